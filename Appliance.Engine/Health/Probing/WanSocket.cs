using System.Net.Sockets;
using System.Text;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.Health.Probing;

/// <summary>Creates sockets whose traffic can only use one WAN.</summary>
public static class WanSocket
{
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;
    private const int SoMark = 36;

    /// <summary>
    /// SO_BINDTODEVICE keeps the probe on the WAN's interface; SO_MARK makes the appliance's ip rule pick the WAN's
    /// routing table, so the probe uses that WAN's gateway even when the main table routes elsewhere.
    /// </summary>
    public static Socket Create(ISocketFactory factory, WanBinding wan, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        var socket = factory.Create(family, type, protocol);
        try
        {
            socket.SetRawSocketOption(SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(wan.Interface + "\0"));
            socket.SetRawSocketOption(SolSocket, SoMark, BitConverter.GetBytes(wan.Mark));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
