using System.Net.Sockets;

namespace Appliance.Engine.Bonding;

/// <summary>TCP keepalive on relayed sockets (plain TCP and kernel MPTCP alike), so a peer that vanished without a FIN is noticed.</summary>
internal static class KeepAlive
{
    public static void Enable(Socket socket, BondingOptions options)
    {
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, options.KeepAliveIdleSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, options.KeepAliveIntervalSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, options.KeepAliveProbes);
    }
}
