using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Appliance.Engine.Kernel.Sockets;

/// <summary>Kernel MPTCP sockets.</summary>
/// <remarks>
/// .NET refuses <c>new Socket(…, (ProtocolType)262)</c> ("Protocol not supported"), so the socket comes from libc and is
/// wrapped in a <see cref="SafeSocketHandle"/>; everything after that (bind, connect, listen, accept) is ordinary.
/// </remarks>
public static partial class LinuxSockets
{
    private const int IpProtoMptcp = 262;
    private const int SolMptcp = 284;
    private const int MptcpInfo = 1;
    // struct mptcp_info (host byte order, x86-64 and arm64 alike): bytes sent and acknowledged at the connection level,
    // every subflow (the initial one included), and milliseconds since the last acknowledgement came in (Linux 6.12 on).
    private const int BytesSentOffset = 56;
    private const int BytesAckedOffset = 72;
    private const int SubflowsTotalOffset = 80;
    private const int LastAckReceivedOffset = 92;
    private const int InfoLength = 96;
    private const int AfInet = 2;
    private const int AfInet6 = 10;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;

    /// <summary>A new MPTCP stream socket, created in the engine's network namespace.</summary>
    public static Socket CreateMptcp(ISocketFactory sockets, AddressFamily family) => sockets.Invoke(() =>
    {
        var domain = family == AddressFamily.InterNetworkV6 ? AfInet6 : AfInet;
        var fd = NativeSocket(domain, SockStream | SockCloexec, IpProtoMptcp);
        if (fd < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }
        return new Socket(new SafeSocketHandle(fd, ownsHandle: true)) { NoDelay = true };
    });

    /// <summary>What the kernel says of an MPTCP connection now, or null when it cannot say (not MPTCP, fallen back to plain TCP, or a kernel before 6.12).</summary>
    /// <remarks>
    /// An MPTCP connection outlives its subflows: when every path died it waits for a new one instead of failing, so
    /// keepalive alone never ends a session whose peer vanished; and a subflow with data in flight is governed by
    /// retransmissions (a quarter of an hour) rather than keepalive. The relay decides from these figures instead.
    /// </remarks>
    public static MultipathState? MptcpState(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> info = stackalloc byte[128];
        try
        {
            var length = socket.GetRawSocketOption(SolMptcp, MptcpInfo, info);
            if (length < InfoLength)
            {
                return null;
            }
            var sent = BinaryPrimitives.ReadUInt64LittleEndian(info[BytesSentOffset..]);
            var acked = BinaryPrimitives.ReadUInt64LittleEndian(info[BytesAckedOffset..]);
            var sinceAck = BinaryPrimitives.ReadUInt32LittleEndian(info[LastAckReceivedOffset..]);
            return new MultipathState(info[SubflowsTotalOffset], sent > acked, TimeSpan.FromMilliseconds(sinceAck));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int NativeSocket(int domain, int type, int protocol);
}
