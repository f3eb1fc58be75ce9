using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Appliance.Engine.Kernel;

/// <summary>A link appeared, changed or vanished; <see cref="Carrier"/> is IFF_UP and IFF_LOWER_UP together.</summary>
public sealed record LinkEvent(string Interface, bool Exists, bool Carrier);

/// <summary>
/// Listens to the kernel's RTNLGRP_LINK multicast group, so carrier loss is seen the moment the driver reports it
/// rather than at the next poll. .NET has no netlink address family, so the socket is made with libc and wrapped.
/// </summary>
public sealed partial class NetlinkLinkWatcher : IDisposable
{
    private const int AfNetlink = 16;
    private const int SockRaw = 3;
    private const int SockCloexec = 0x80000;
    private const int NetlinkRoute = 0;
    private const uint RtmgrpLink = 1;
    private const ushort RtmNewLink = 16;
    private const ushort RtmDelLink = 17;
    private const ushort IflaIfname = 3;
    private const uint IffUp = 0x1;
    private const uint IffLowerUp = 0x10000;

    private readonly Socket _socket;

    public NetlinkLinkWatcher(ISocketFactory sockets)
    {
        _socket = sockets.Invoke(() =>
        {
            var fd = NativeSocket(AfNetlink, SockRaw | SockCloexec, NetlinkRoute);
            if (fd < 0)
            {
                throw new SocketException(Marshal.GetLastPInvokeError());
            }
            // struct sockaddr_nl { sa_family_t nl_family; unsigned short pad; u32 nl_pid; u32 nl_groups; }
            var address = new byte[12];
            BinaryPrimitives.WriteUInt16LittleEndian(address, AfNetlink);
            BinaryPrimitives.WriteUInt32LittleEndian(address.AsSpan(8), RtmgrpLink);
            var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
            if (NativeBind(fd, address, address.Length) != 0)
            {
                var error = Marshal.GetLastPInvokeError();
                socket.Dispose();
                throw new SocketException(error);
            }
            return socket;
        });
    }

    /// <summary>Reads link events until cancelled.</summary>
    public async IAsyncEnumerable<LinkEvent> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        while (!ct.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            foreach (var linkEvent in Parse(buffer.AsSpan(0, length)))
            {
                yield return linkEvent;
            }
        }
    }

    /// <summary>Decodes a datagram of netlink messages (nlmsghdr + ifinfomsg + rtattrs).</summary>
    public static List<LinkEvent> Parse(ReadOnlySpan<byte> data)
    {
        var events = new List<LinkEvent>();
        while (data.Length >= 16)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
            if (length < 16 || length > data.Length)
            {
                break;
            }
            if ((type == RtmNewLink || type == RtmDelLink) && length >= 32)
            {
                var flags = BinaryPrimitives.ReadUInt32LittleEndian(data[24..]);
                if (FindName(data[32..length]) is { } name)
                {
                    events.Add(new LinkEvent(name, type == RtmNewLink, type == RtmNewLink && (flags & IffUp) != 0 && (flags & IffLowerUp) != 0));
                }
            }
            data = data[Math.Min(data.Length, Align(length))..];
        }
        return events;
    }

    public void Dispose() => _socket.Dispose();

    private static string? FindName(ReadOnlySpan<byte> attributes)
    {
        while (attributes.Length >= 4)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(attributes);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(attributes[2..]);
            if (length < 4 || length > attributes.Length)
            {
                return null;
            }
            if (type == IflaIfname)
            {
                return Encoding.ASCII.GetString(attributes[4..length]).TrimEnd('\0');
            }
            attributes = attributes[Math.Min(attributes.Length, Align(length))..];
        }
        return null;
    }

    private static int Align(int length) => (length + 3) & ~3;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int NativeSocket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static partial int NativeBind(int fd, byte[] address, int length);
}
