using System.Net.Sockets;
using System.Text;

namespace Appliance.Engine.Kernel.Sockets;

/// <summary>
/// The Linux socket options the engine sets, in one place: what .NET has no name for goes in by its number from the
/// kernel headers, so this is the one file to read against them.
/// </summary>
public static partial class LinuxSockets
{
    private const int SolIp = 0;
    private const int SolSocket = 1;
    private const int SolRaw = 255;
    private const int IpTransparent = 19;
    private const int SoBindToDevice = 25;
    private const int SoMark = 36;
    private const int IcmpFilter = 1;

    /// <summary>
    /// A raw IPv4 ICMP socket that receives only messages of one type (ICMP_FILTER): every raw ICMP socket gets a copy of
    /// every ICMP message on its interface, and without the filter each would wake every socket.
    /// </summary>
    public static Socket CreateRawIcmp(ISocketFactory sockets, byte receiveOnly)
    {
        ArgumentNullException.ThrowIfNull(sockets);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(receiveOnly, (byte)31);
        var socket = sockets.Create(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
        try
        {
            // A set bit filters its type out.
            socket.SetRawSocketOption(SolRaw, IcmpFilter, BitConverter.GetBytes(~(1u << receiveOnly)));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>IP_TRANSPARENT: a listener that takes connections TPROXY hands it, addressed to any destination.</summary>
    public static void SetTransparent(Socket socket) =>
        socket.SetRawSocketOption(SolIp, IpTransparent, BitConverter.GetBytes(1));

    /// <summary>SO_REUSEADDR: a listener that restarts binds its port again while old connections are in TIME_WAIT.</summary>
    public static void SetReuseAddress(Socket socket) =>
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);

    /// <summary>SO_BINDTODEVICE: the socket's traffic uses this interface only.</summary>
    public static void BindToDevice(Socket socket, string interfaceName) =>
        socket.SetRawSocketOption(SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(interfaceName + "\0"));

    /// <summary>SO_MARK: the packets carry this mark, so the ip rule for it picks their routing table.</summary>
    public static void SetMark(Socket socket, uint mark) =>
        socket.SetRawSocketOption(SolSocket, SoMark, BitConverter.GetBytes(mark));

    /// <summary>TCP keepalive (plain TCP and MPTCP alike): idle time before the first probe, time between probes, probes unanswered before the connection is dropped.</summary>
    public static void SetKeepAlive(Socket socket, int idleSeconds, int intervalSeconds, int probes)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, idleSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, intervalSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, probes);
    }
}
