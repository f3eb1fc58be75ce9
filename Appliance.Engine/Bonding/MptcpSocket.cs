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

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int NativeSocket(int domain, int type, int protocol);
}
