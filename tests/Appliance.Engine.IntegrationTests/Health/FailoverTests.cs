using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Engine.Configuration;
using Appliance.Engine.Planning;
using Appliance.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Appliance.Engine.IntegrationTests.Health;

/// <summary>Failure detection, failover and failback on real links, with the default probe timing.</summary>
public sealed class FailoverTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private NetnsLab _lab = null!;
    private ApplianceUnderTest _appliance = null!;
    private CountingTcpServer _server = null!;
    private LabWan Wan1 => _lab.Wans[0];
    private LabWan Wan2 => _lab.Wans[1];

    public async ValueTask InitializeAsync()
    {
        _lab = await NetnsLab.CreateAsync([new LabWan(1), new LabWan(2)]);
        _appliance = new ApplianceUnderTest(_lab);
        _server = new CountingTcpServer(_lab.Thread(_lab.Inet), new IPEndPoint(LabAddresses.Server, 8080));
    }

    public async ValueTask DisposeAsync()
    {
        _server.Dispose();
        await _appliance.DisposeAsync();
        _appliance.DeleteData();
        await _lab.DisposeAsync();
    }

    [Fact]
    public async Task A_link_going_silent_reaches_a_signalr_client_as_a_state_change()
    {
        await _appliance.ConfigureAsync([ApplianceUnderTest.ProbedWan(Wan1), ApplianceUnderTest.ProbedWan(Wan2)]);
        var changes = System.Threading.Channels.Channel.CreateUnbounded<JsonElement>();
        await using var live = new HubConnectionBuilder()
            .WithUrl(new Uri(_appliance.Server.BaseAddress, "/hubs/status"), o =>
            {
                o.HttpMessageHandlerFactory = _ => _appliance.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(_appliance.Token);
            })
            .Build();
        live.On<JsonElement>("LinkStateChanged", e => changes.Writer.TryWrite(e));
        await live.StartAsync(Ct);
        var clock = Stopwatch.StartNew();

        await _lab.SetIspSilentAsync(1, silent: true);

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(6));
        // Loss may call it degraded on the way, and wan2's own events (its first "up") may arrive too: every change
        // is pushed; what matters is that wan1's come, and "down" within the detection time.
        async Task<JsonElement> NextForWan1Async()
        {
            while (true)
            {
                var next = await changes.Reader.ReadAsync(limit.Token);
                if (next.GetProperty("wan").GetString() == "wan1" && next.GetProperty("to").GetString() != "up")
                {
                    return next;
                }
            }
        }
        var change = await NextForWan1Async();
        var firstAfter = clock.Elapsed;
        while (change.GetProperty("to").GetString() != "down")
        {
            change = await NextForWan1Async();
        }
        var downAfter = clock.Elapsed;
        Assert.True(firstAfter < TimeSpan.FromSeconds(3), $"the first state change arrived after {firstAfter}");
        Assert.True(downAfter < TimeSpan.FromSeconds(5), $"the down event arrived after {downAfter}");
    }

    [Fact]
    public async Task An_apply_that_changes_weights_keeps_link_health_and_the_sessions_on_each_link()
    {
        // This test is about the apply, not detection speed: timing that a busy machine's late answers do not flap.
        static WanLink Steady(LabWan wan, int weight) => ApplianceUnderTest.ProbedWan(wan, weight) with
        {
            Probes = new ProbeSettings { Targets = [LabAddresses.Server.ToString()], IntervalMs = 500, TimeoutMs = 2000, DownCount = 5, DegradedLatencyMs = 1500, DownLatencyMs = 5000 },
        };
        await _appliance.ConfigureAsync([Steady(Wan1, 1), Steady(Wan2, 1)]);
        using var bulk = new BulkServer(_lab.Thread(_lab.Inet), new IPEndPoint(LabAddresses.Server, 5300));
        var download = BulkClient.DownloadAsync(_lab.Thread(_lab.Lan), bulk.Endpoint, TimeSpan.FromSeconds(4), Ct);
        var marked = await WaitForSessionAsync(5300, TimeSpan.FromSeconds(10));

        // Only weights change: health must go on as it was, so neither link is flushed as "unknown".
        await _appliance.ConfigureAsync([Steady(Wan1, 3), Steady(Wan2, 2)]);

        Assert.Equal(marked, await WaitForSessionAsync(5300, TimeSpan.FromSeconds(10)));
        var log = await download;
        Assert.True(log.Completed, $"the download did not survive the apply: {log.Error}");
        // A watch started afresh begins at "unknown" again: one way out of unknown per WAN means health was kept.
        // (Other changes, such as a late answer on a busy machine calling a link degraded, are health at work, not the apply.)
        var events = await _appliance.Api.GetFromJsonAsync<JsonElement>("/api/v1/events", Ct);
        var fromUnknown = events.EnumerateArray().Where(e => e.GetProperty("from").GetString() == "unknown").Select(e => e.GetProperty("wan").GetString()).Order();
        Assert.Equal(["wan1", "wan2"], fromUnknown);
    }

    /// <summary>The newest health event of <paramref name="wan"/> that went to <paramref name="to"/>, once it is recorded (bounded).</summary>
    private async Task<JsonElement> WaitForEventAsync(string wan, string to, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            // Newest first; events are recorded in the background, a moment after the state changed.
            var events = await _appliance.Api.GetFromJsonAsync<JsonElement>($"/api/v1/events?wan={wan}", Ct);
            foreach (var e in events.EnumerateArray().Where(e => e.GetProperty("to").GetString() == to))
            {
                return e;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no '{to}' event for {wan} within {limit}: {events}");
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>The mark of the one tracked session to <paramref name="port"/>, once conntrack lists it (bounded).</summary>
    private async Task<string> WaitForSessionAsync(int port, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var output = await _lab.ExecAsync(_lab.Appliance, "conntrack", "-L", "-p", "tcp", "--dport", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var mark = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' ').FirstOrDefault(f => f.StartsWith("mark=", StringComparison.Ordinal)))
                .SingleOrDefault(m => m is not null);
            if (mark is not null)
            {
                return mark;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no session to port {port} in conntrack within {limit}: {output}");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task Silent_failure_moves_every_new_session_to_wan2_within_3_seconds_and_recovery_brings_wan1_back()
    {
        await _appliance.ConfigureAsync([ApplianceUnderTest.ProbedWan(Wan1), ApplianceUnderTest.ProbedWan(Wan2)]);
        var lan = _lab.Thread(_lab.Lan);

        var clock = Stopwatch.StartNew();
        await _lab.SetIspSilentAsync(1, silent: true);
        var reroute = await RerouteClock.TimeUntilAllViaAsync(lan, _server, Wan2.ApplianceAddress, clock, consecutive: 12, every: TimeSpan.FromMilliseconds(50), limit: TimeSpan.FromSeconds(10));

        Assert.NotNull(reroute);
        Assert.True(reroute < TimeSpan.FromSeconds(3), $"new sessions took {reroute} to move to wan2");
        var down = await _appliance.WaitForWanAsync("wan1", w => w.GetProperty("state").GetString() == "down", TimeSpan.FromSeconds(2));
        // The count and duration keep growing while the link stays silent.
        Assert.Matches(@"^down: \d+ rounds in a row without an answer for \d+\.\d s", down.GetProperty("reason").GetString());

        await _lab.SetIspSilentAsync(1, silent: false);
        // Recovery is not timed here: a generous bound, since a busy machine may take seconds to re-plan after health says up.
        await _appliance.WaitForWanAsync("wan1", w => w.GetProperty("usable").GetBoolean() && w.GetProperty("state").GetString() == "up", TimeSpan.FromSeconds(30));
        _server.Reset();
        Assert.Equal(100, (await LanClient.TcpBurstAsync(lan, _server.Endpoint, 100, TimeSpan.FromSeconds(20))).Succeeded);
        Assert.True(_server.CountFrom(Wan1.ApplianceAddress) > 25, $"wan1 carried {_server.CountFrom(Wan1.ApplianceAddress)} of 100 after recovery");

        var events = await _appliance.Api.GetFromJsonAsync<JsonElement>("/api/v1/events?wan=wan1", Ct);
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("to").GetString() == "down");
        Assert.Equal("up", events[0].GetProperty("to").GetString());
    }

    [Fact]
    public async Task Carrier_loss_is_an_immediate_down()
    {
        await _appliance.ConfigureAsync([ApplianceUnderTest.ProbedWan(Wan1), ApplianceUnderTest.ProbedWan(Wan2)]);

        var clock = Stopwatch.StartNew();
        await _lab.SetCarrierAsync(1, up: false);
        var reroute = await RerouteClock.TimeUntilAllViaAsync(_lab.Thread(_lab.Lan), _server, Wan2.ApplianceAddress, clock, 12, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10));

        Assert.NotNull(reroute);
        // What makes it immediate is what took wan1 down: its carrier, not failed probe rounds (those need three
        // rounds and a timeout, over a second). New sessions then move within a fraction of a second on an idle machine;
        // the bar leaves room for a busy one, where re-planning and loading the ruleset alone took 2.8 s.
        Assert.True(reroute < TimeSpan.FromSeconds(5), $"new sessions took {reroute} to move to wan2 after carrier loss");
        var down = await WaitForEventAsync("wan1", "down", TimeSpan.FromSeconds(30));
        Assert.Equal("down: no carrier on wan1", down.GetProperty("reason").GetString());
        var wan1 = await _appliance.WanStatusAsync("wan1");
        Assert.Equal("down: no carrier on wan1", wan1.GetProperty("reason").GetString());
        await _lab.SetCarrierAsync(1, up: true);
        await _appliance.WaitForWanAsync("wan1", w => w.GetProperty("state").GetString() == "up", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Thirty_percent_loss_degrades_the_wan_per_thresholds_and_it_recovers_when_the_loss_ends()
    {
        await _appliance.ConfigureAsync([ApplianceUnderTest.ProbedWan(Wan1), ApplianceUnderTest.ProbedWan(Wan2)]);

        await _lab.SetIspLossAsync(1, 30);

        // 30 % loss is above the degraded threshold (20 %) and below down (60 %); three losses in a row can still
        // take it down now and then (the consecutive-failure rule), which is also per thresholds.
        var hit = await _appliance.WaitForWanAsync("wan1", w => w.GetProperty("state").GetString() is "degraded" or "down", TimeSpan.FromSeconds(15));
        var loss = hit.GetProperty("lossPercent").ValueKind == JsonValueKind.Number ? hit.GetProperty("lossPercent").GetDouble() : -1;
        Assert.True(hit.GetProperty("reason").GetString()!.Contains("loss", StringComparison.Ordinal) ||
                    hit.GetProperty("reason").GetString()!.StartsWith("down: 3 rounds", StringComparison.Ordinal), hit.ToString());
        Assert.True(loss is -1 or (> 10 and < 60), $"measured loss {loss} %");

        await _lab.SetIspSilentAsync(1, silent: false);
        await _appliance.WaitForWanAsync("wan1", w => w.GetProperty("state").GetString() == "up", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_wan_flapping_every_700_ms_for_20_s_causes_a_bounded_number_of_transitions()
    {
        await _appliance.ConfigureAsync([ApplianceUnderTest.ProbedWan(Wan1), ApplianceUnderTest.ProbedWan(Wan2)]);
        var before = (await _appliance.Api.GetFromJsonAsync<JsonElement>("/api/v1/events?wan=wan1", Ct)).GetArrayLength();

        var clock = Stopwatch.StartNew();
        var silent = false;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            silent = !silent;
            await _lab.SetIspSilentAsync(1, silent);
            await Task.Delay(700, Ct);
        }
        await _lab.SetIspSilentAsync(1, silent: false);

        var transitions = (await _appliance.Api.GetFromJsonAsync<JsonElement>("/api/v1/events?wan=wan1", Ct)).GetArrayLength() - before;
        // Without hysteresis this would be ~28 transitions (one per 700 ms phase).
        Assert.InRange(transitions, 1, 4);
    }

    [Theory]
    [InlineData(FailbackPolicy.Move)]
    [InlineData(FailbackPolicy.Keep)]
    public async Task When_the_primary_returns_failback_move_flushes_sessions_from_the_backup_and_keep_does_not(FailbackPolicy failback)
    {
        await _appliance.ConfigureAsync([ApplianceUnderTest.ProbedWan(Wan1, tier: 1), ApplianceUnderTest.ProbedWan(Wan2, tier: 2, failback: failback)]);
        var wan2Mark = KernelIds.MarkOf(WanSlots.Assign(["wan1", "wan2"])["wan2"]);
        await _lab.SetIspSilentAsync(1, silent: true);
        // Generous bounds: these waits time nothing, and a busy machine may take a while to re-plan.
        await _appliance.WaitForWanAsync("wan1", w => !w.GetProperty("usable").GetBoolean(), TimeSpan.FromSeconds(30));

        // A session opened during the failover, still open when wan1 comes back.
        using var session = await OpenSessionAsync();
        Assert.NotEmpty(await SessionsMarked(wan2Mark));

        await _lab.SetIspSilentAsync(1, silent: false);
        await _appliance.WaitForWanAsync("wan1", w => w.GetProperty("usable").GetBoolean(), TimeSpan.FromSeconds(30));
        // The engine flushes after it reports the new plan, in the same pass; its passes run one at a time, so once
        // a later apply is running, the failback's flush (or its absence) is done. No fixed sleep can promise that.
        await _appliance.ApplyAsync(usable: 2);

        var left = await SessionsMarked(wan2Mark);
        if (failback == FailbackPolicy.Move)
        {
            Assert.Empty(left);
        }
        else
        {
            Assert.NotEmpty(left);
        }
    }

    private async Task<System.Net.Sockets.Socket> OpenSessionAsync()
    {
        var socket = _lab.Thread(_lab.Lan).Invoke(() => new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(_server.Endpoint, timeout.Token);
        return socket;
    }

    private async Task<string[]> SessionsMarked(uint mark)
    {
        var output = await _lab.ExecAsync(_lab.Appliance, "conntrack", "-L", "-p", "tcp", "--dport", "8080", "--mark", $"0x{mark:x}/0x{KernelIds.MarkMask:x}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
