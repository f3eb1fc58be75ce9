using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Appliance.Engine.Kernel;
using Appliance.Engine.Kernel.Sockets;

namespace Appliance.Engine.IntegrationTests.Kernel;

/// <summary>
/// The options <see cref="LinuxSockets"/> sets by number, read back from a real kernel by the numbers of the Linux
/// headers (SO_MARK and IP_TRANSPARENT need CAP_NET_ADMIN, raw sockets CAP_NET_RAW: this tier runs as root).
/// </summary>
public sealed class LinuxSocketsTests
{
    private const int SolIp = 0;
    private const int SolSocket = 1;
    private const int SolRaw = 255;

    private static readonly LocalSocketFactory Sockets = new();

    [Fact]
    public void Mark_device_and_transparency_read_back_as_set()
    {
        using var socket = Sockets.Create(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        LinuxSockets.SetMark(socket, 0x0002_0000);
        LinuxSockets.BindToDevice(socket, "lo");
        LinuxSockets.SetTransparent(socket);
        LinuxSockets.SetReuseAddress(socket);

        Assert.Equal(0x0002_0000u, ReadUInt32(socket, SolSocket, 36));
        Span<byte> device = stackalloc byte[16];
        var length = socket.GetRawSocketOption(SolSocket, 25, device);
        Assert.Equal("lo", Encoding.ASCII.GetString(device[..length]).TrimEnd('\0'));
        Assert.Equal(1u, ReadUInt32(socket, SolIp, 19));
        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress)!);
    }

    [Fact]
    public void A_raw_ICMP_socket_lets_through_only_the_type_asked_for()
    {
        using var socket = LinuxSockets.CreateRawIcmp(Sockets, receiveOnly: 0);

        Assert.Equal(SocketType.Raw, socket.SocketType);
        Assert.Equal(ProtocolType.Icmp, socket.ProtocolType);
        // ICMP_FILTER: a set bit drops its type, so only echo replies (type 0) pass.
        Assert.Equal(~1u, ReadUInt32(socket, SolRaw, 1));
    }

    [Fact]
    public void An_MPTCP_socket_is_made_with_no_delay_and_a_plain_TCP_socket_has_no_MPTCP_state()
    {
        using var mptcp = LinuxSockets.CreateMptcp(Sockets, AddressFamily.InterNetwork);
        using var tcp = Sockets.Create(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        Assert.True(mptcp.NoDelay);
        Assert.Null(LinuxSockets.MptcpState(tcp));
    }

    private static uint ReadUInt32(Socket socket, int level, int name)
    {
        Span<byte> value = stackalloc byte[4];
        Assert.Equal(4, socket.GetRawSocketOption(level, name, value));
        return BinaryPrimitives.ReadUInt32LittleEndian(value);
    }
}
