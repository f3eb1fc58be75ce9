using System.Net.Sockets;
using Appliance.Engine.Kernel;
using Appliance.Engine.Kernel.Sockets;

namespace Appliance.Engine.Health.Probing;

/// <summary>Creates sockets whose traffic can only use one WAN.</summary>
/// <remarks>
/// Bound to the WAN's interface, the probe stays on it; carrying the WAN's mark, the appliance's ip rule picks the
/// WAN's routing table, so the probe uses that WAN's gateway even when the main table routes elsewhere.
/// </remarks>
public static class WanSocket
{
    public static Socket Create(ISocketFactory factory, WanBinding wan, AddressFamily family, SocketType type, ProtocolType protocol) =>
        OnWan(factory.Create(family, type, protocol), wan);

    /// <summary>A raw IPv4 ICMP socket on the WAN that receives only ICMP messages of one type.</summary>
    public static Socket CreateIcmp(ISocketFactory factory, WanBinding wan, byte receiveOnly) =>
        OnWan(LinuxSockets.CreateRawIcmp(factory, receiveOnly), wan);

    private static Socket OnWan(Socket socket, WanBinding wan)
    {
        try
        {
            LinuxSockets.BindToDevice(socket, wan.Interface);
            LinuxSockets.SetMark(socket, wan.Mark);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
