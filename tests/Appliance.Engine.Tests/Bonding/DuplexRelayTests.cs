using System.Net.Sockets;
using Appliance.Engine.Bonding;

namespace Appliance.Engine.Tests.Bonding;

/// <summary>The relay keeps TCP's meaning: a half-close passes through and the other direction goes on; a reset is a reset.</summary>
public sealed class DuplexRelayTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>client ─ [a relay b] ─ server, each hop a loopback connection.</summary>
    private static async Task<(LoopbackPair Left, LoopbackPair Right, Task<RelayResult> Relay, RelayCounters Counters)> StartAsync()
    {
        var left = await LoopbackPair.CreateAsync();
        var right = await LoopbackPair.CreateAsync();
        var counters = new RelayCounters();
        var relay = RunAsync(new RelayEnd(left.Server), new RelayEnd(right.Client), counters);
        return (left, right, relay, counters);
    }

    private static async Task<RelayResult> RunAsync(RelayEnd a, RelayEnd b, RelayCounters counters)
    {
        await using (a)
        await using (b)
        {
            return await DuplexRelay.RunAsync(a, b, counters, Ct);
        }
    }

    [Fact]
    public async Task A_request_side_close_reaches_the_server_and_its_answer_still_comes_back()
    {
        var (left, right, relay, counters) = await StartAsync();
        using var _ = left;
        using var __ = right;
        var client = left.Client;
        var server = right.Server;

        var request = new byte[200_000];
        Random.Shared.NextBytes(request);
        await client.SendAsync(request, Ct);
        client.Shutdown(SocketShutdown.Send);

        // The server sees the whole request and then EOF, while its own direction is still open.
        var got = await ReadToEndAsync(server);
        Assert.Equal(request, got);
        var answer = new byte[300_000];
        Random.Shared.NextBytes(answer);
        await server.SendAsync(answer, Ct);
        server.Shutdown(SocketShutdown.Send);

        Assert.Equal(answer, await ReadToEndAsync(client));
        var result = await relay;
        Assert.False(result.Reset);
        Assert.Equal((request.Length, answer.Length), (result.BytesUp, result.BytesDown));
        Assert.Equal((request.Length, answer.Length), (counters.Up, counters.Down));
    }

    [Fact]
    public async Task A_reset_on_one_side_resets_the_other_rather_than_ending_it_cleanly()
    {
        var (left, right, relay, _) = await StartAsync();
        using var __ = left;
        using var ___ = right;
        await left.Client.SendAsync("partial"u8.ToArray(), Ct);
        Assert.Equal("partial"u8.ToArray(), await ReadExactlyAsync(right.Server, 7));

        right.Server.LingerState = new LingerOption(true, 0);
        right.Server.Close();

        Assert.True((await relay).Reset);
        var error = await Assert.ThrowsAsync<SocketException>(async () =>
        {
            var buffer = new byte[16];
            while (await left.Client.ReceiveAsync(buffer, Ct) > 0)
            {
            }
        });
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    [Fact]
    public async Task Cancelling_resets_both_ends()
    {
        var left = await LoopbackPair.CreateAsync();
        var right = await LoopbackPair.CreateAsync();
        using var _ = left;
        using var __ = right;
        using var cts = new CancellationTokenSource();
        var relay = DuplexRelay.RunAsync(new RelayEnd(left.Server), new RelayEnd(right.Client), null, cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => relay);
        foreach (var peer in new[] { left.Client, right.Server })
        {
            var error = await Assert.ThrowsAsync<SocketException>(async () => await peer.ReceiveAsync(new byte[1], Ct));
            Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        }
    }

    [Fact]
    public async Task Idle_sessions_hold_no_buffer_and_a_spent_budget_makes_senders_wait_instead_of_failing()
    {
        // Two buffers for forty sessions: every one must still deliver its data, one after another.
        using var budget = new RelayBufferBudget(2 * RelayBufferBudget.BufferSize);
        var sessions = new List<(LoopbackPair Left, LoopbackPair Right, Task<RelayResult> Relay)>();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                var left = await LoopbackPair.CreateAsync();
                var right = await LoopbackPair.CreateAsync();
                sessions.Add((left, right, DuplexRelay.RunAsync(new RelayEnd(left.Server), new RelayEnd(right.Client), budget, null, null, Ct)));
            }
            // Both directions of forty open sessions are waiting for data, and hold nothing.
            await Task.Delay(200, Ct);
            Assert.Equal(0, budget.InUseBytes);

            var payload = new byte[300_000];
            Random.Shared.NextBytes(payload);
            var sends = sessions.Select(async s =>
            {
                await s.Left.Client.SendAsync(payload, Ct);
                s.Left.Client.Shutdown(SocketShutdown.Send);
            }).ToList();
            var received = await Task.WhenAll(sessions.Select(s => ReadToEndAsync(s.Right.Server)));
            await Task.WhenAll(sends);

            Assert.All(received, r => Assert.Equal(payload, r));
            Assert.InRange(budget.PeakBytes, RelayBufferBudget.BufferSize, budget.CapacityBytes);
            foreach (var (_, right, _) in sessions)
            {
                right.Server.Shutdown(SocketShutdown.Send);
            }
            var results = await Task.WhenAll(sessions.Select(s => s.Relay));
            Assert.All(results, r => Assert.Equal((payload.Length, 0L, false), (r.BytesUp, r.BytesDown, r.Reset)));
            Assert.Equal(0, budget.InUseBytes);
        }
        finally
        {
            foreach (var (left, right, _) in sessions)
            {
                left.Dispose();
                right.Dispose();
            }
        }
    }

    [Fact]
    public async Task Data_moved_restarts_the_sessions_idle_clock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var sessions = new RelaySessions(time);
        using var session = sessions.TryOpen(10, null, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1), Ct)!;
        var left = await LoopbackPair.CreateAsync();
        var right = await LoopbackPair.CreateAsync();
        using var _ = left;
        using var __ = right;
        var relay = DuplexRelay.RunAsync(new RelayEnd(left.Server), new RelayEnd(right.Client), RelayBufferBudget.Unlimited(), null, session, session.Token);

        time.Advance(TimeSpan.FromMinutes(10));
        await left.Client.SendAsync("x"u8.ToArray(), Ct);
        await ReadExactlyAsync(right.Server, 1);

        Assert.Equal(TimeSpan.Zero, time.GetElapsedTime(session.LastActive));
        Assert.Equal(0, sessions.CloseIdle(TimeSpan.FromMinutes(5)));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, sessions.CloseIdle(TimeSpan.FromMinutes(5)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => relay);
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, Ct)) > 0)
        {
            all.Write(buffer, 0, read);
        }
        return all.ToArray();
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        await new NetworkStream(socket).ReadExactlyAsync(buffer, Ct);
        return buffer;
    }
}
