using System.Net.Sockets;
using System.Runtime.InteropServices;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.Bonding;

/// <summary>Kernel MPTCP sockets.</summary>
/// <remarks>
/// .NET refuses <c>new Socket(…, (ProtocolType)262)</c> ("Protocol not supported"), so the socket comes from libc and is
/// wrapped in a <see cref="SafeSocketHandle"/>; everything after that (bind, connect, listen, accept) is ordinary.
/// </remarks>
public static partial class MptcpSocket
{
    private const int IpProtoMptcp = 262;
    private const int SolMptcp = 284;
    private const int MptcpInfo = 1;
    // struct mptcp_info: mptcpi_subflows_total (every subflow, the initial one included) sits at byte 80 (Linux 6.8 on).
    private const int SubflowsTotalOffset = 80;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;

    /// <summary>A new MPTCP stream socket, created in the engine's network namespace.</summary>
    public static Socket Create(ISocketFactory sockets, AddressFamily family) => sockets.Invoke(() =>
    {
        var domain = family == AddressFamily.InterNetworkV6 ? 10 : 2;
        var fd = NativeSocket(domain, SockStream | SockCloexec, IpProtoMptcp);
        if (fd < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }
        return new Socket(new SafeSocketHandle(fd, ownsHandle: true)) { NoDelay = true };
    });

    /// <summary>
    /// How many subflows the MPTCP connection has now, or null when the kernel cannot say (not an MPTCP socket, one
    /// that fell back to plain TCP, or a kernel older than 6.8).
    /// </summary>
    /// <remarks>
    /// An MPTCP connection outlives its subflows: when every path died (keepalive gave up on each), it waits for a new
    /// one instead of failing, so keepalive alone never ends a session whose peer vanished.
    /// </remarks>
    public static int? Subflows(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> info = stackalloc byte[128];
        try
        {
            var length = socket.GetRawSocketOption(SolMptcp, MptcpInfo, info);
            return length > SubflowsTotalOffset ? info[SubflowsTotalOffset] : null;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int NativeSocket(int domain, int type, int protocol);
}
