using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Bonding;
using Appliance.Engine.Kernel;
using Appliance.Engine.Kernel.Sockets;

namespace Appliance.Engine.Tests.Bonding;

/// <summary>Zero-byte reads on an MPTCP connection without MSG_PEEK: they wait for data, lose none of it, and see the end.</summary>
public sealed class MultipathStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_zero_byte_read_waits_for_data_and_the_next_read_returns_all_of_it_in_order()
    {
        var (client, server) = await MptcpPairAsync();
        using var _ = client;
        using var __ = server;
        var stream = new MultipathStream(server);

        var waiting = stream.ReadAsync(Memory<byte>.Empty, Ct).AsTask();
        await Task.Delay(100, Ct);
        Assert.False(waiting.IsCompleted, "a zero-byte read completed without data");
        await client.SendAsync("hello"u8.ToArray(), Ct);
        Assert.Equal(0, await waiting);

        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer, Ct);
        // The byte taken by the zero-byte read comes first, then what had arrived with it (never waiting for more).
        Assert.InRange(read, 1, 5);
        var all = buffer[..read].ToList();
        while (all.Count < 5)
        {
            all.AddRange(buffer[..await stream.ReadAsync(buffer, Ct)]);
        }
        Assert.Equal("hello"u8.ToArray(), all);

        Assert.Null(await stream.ReadReadyAsync(buffer, Ct));
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty, Ct));
        Assert.Equal(0, await stream.ReadAsync(buffer, Ct));
        Assert.Equal(0, await stream.ReadReadyAsync(buffer, Ct));
    }

    private static async Task<(Socket Client, Socket Server)> MptcpPairAsync()
    {
        var sockets = new LocalSocketFactory();
        using var listener = LinuxSockets.CreateMptcp(sockets, AddressFamily.InterNetwork);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = LinuxSockets.CreateMptcp(sockets, AddressFamily.InterNetwork);
        var accepting = listener.AcceptAsync(Ct);
        await client.ConnectAsync(listener.LocalEndPoint!, Ct);
        return (client, await accepting);
    }
}
