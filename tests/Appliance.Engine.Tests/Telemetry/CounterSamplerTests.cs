using Appliance.Engine.Bonding;
using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Kernel;
using Appliance.Engine.Kernel.Counters;
using Appliance.Engine.Planning;
using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Appliance.Engine.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Telemetry;

public sealed class CounterSamplerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly BondingPlan Bonded = new(KernelIds.BondProxyPort, new HubTarget("203.0.113.20", 7443, "branch", "k", false),
        [new BondPath("dsl", "198.18.11.2", false)]);

    private sealed record Rig(CounterSampler Sampler, ScriptedKernel Kernel, BondingMonitor Monitor, EngineStatusTracker Status) : IDisposable
    {
        public void Dispose() => Sampler.Dispose();
    }

    private static Rig Start(TimeProvider time)
    {
        var monitor = new BondingMonitor();
        monitor.SetState("edge", "connected", "203.0.113.20:7443");
        var status = new EngineStatusTracker(time, bonding: monitor);
        status.Applied(new DesiredState(1, "", [], [], [],
            [new WanPlan("dsl", "wan1", 1, KernelIds.MarkOf(1), KernelIds.TableOf(1), true, true, FailbackPolicy.Keep, "up")], []) { Bonding = Bonded },
            new Dictionary<string, LinkHealth>());
        var feed = new BondingPlanFeed();
        feed.Set(Bonded);
        var kernel = new ScriptedKernel();
        return new Rig(new CounterSampler(new KernelCounterReader(kernel), status, feed, time, new LoopSupervisor(new LoopMonitor(time), NullLogger<LoopSupervisor>.Instance), NullLogger<CounterSampler>.Instance), kernel, monitor, status);
    }

    [Fact]
    public async Task Each_second_fills_sessions_subflows_goodput_and_efficiency()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var rig = Start(time);

        // Two readings exactly one virtual second apart, taken here and now: no timer, so no other reading can slip in.
        await rig.Sampler.SampleAsync(Ct);
        rig.Kernel.Bytes += 1_000_000;
        rig.Monitor.Counters.AddDown(1_500_000);
        time.Advance(TimeSpan.FromSeconds(1));
        await rig.Sampler.SampleAsync(Ct);

        var now = rig.Status.Current;
        var dsl = Assert.Single(now.Wans);
        Assert.Equal(2, rig.Kernel.Reads);
        Assert.Equal(2, dsl.Sessions);
        Assert.Equal(1, dsl.Subflows);
        Assert.Equal(8_000_000, dsl.RxBitsPerSecond);
        Assert.Equal(rig.Kernel.Bytes, dsl.RxBytes);
        Assert.Equal(12_000_000, now.Bonding!.GoodputBitsPerSecond);
        // 12 Mbit/s relayed over a link that moved 8 + 8 Mbit/s.
        Assert.Equal(0.75, now.Bonding.Efficiency);
        Assert.Equal((1, 4000L, 164L), (now.Bonding.Paths[0].Subflows, now.Bonding.Paths[0].BytesSent, now.Bonding.Paths[0].BytesReceived));
        Assert.Contains(rig.Kernel.Calls, c => c == "conntrack -L");
    }

    [Fact]
    public async Task Sampling_carries_on_after_every_kind_of_runner_fault()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var loops = new LoopMonitor(time);
        var status = new EngineStatusTracker(time, loops: loops);
        status.Applied(new DesiredState(1, "", [], [], [],
            [new WanPlan("dsl", "wan1", 1, KernelIds.MarkOf(1), KernelIds.TableOf(1), true, true, FailbackPolicy.Keep, "up")], []),
            new Dictionary<string, LinkHealth>());
        var kernel = new ScriptedKernel();
        var runner = new Kernel.FaultyRunner(kernel);
        foreach (var fault in Kernel.FaultyRunner.EveryKind())
        {
            runner.ThrowOnce(fault, (program, _) => program is "nft" or "conntrack");
        }
        using var sampler = new CounterSampler(new KernelCounterReader(runner), status, new BondingPlanFeed(), time, new LoopSupervisor(loops, NullLogger<LoopSupervisor>.Instance), NullLogger<CounterSampler>.Instance);
        await sampler.StartAsync(Ct);

        await Until(() => { time.Advance(TimeSpan.FromSeconds(1)); return runner.Armed == 0; });
        var counted = runner.Count("nft -j list counters");
        kernel.Bytes += 1_000_000;
        await Until(() => { time.Advance(TimeSpan.FromSeconds(1)); return runner.Count("nft -j list counters") >= counted + 2; });

        Assert.Equal(2, Assert.Single(status.Current.Wans).Sessions);
        Assert.True(status.Current.Wans[0].RxBytes > 1_000_000);
        Assert.Equal(LoopStates.Running, Assert.Single(loops.Snapshot()).State);
        await sampler.StopAsync(Ct);
    }

    [Fact]
    public async Task The_running_sampler_reads_once_per_second_of_its_clock()
    {
        var time = new TimerWatchingTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var rig = Start(time);
        await rig.Sampler.StartAsync(Ct);
        // The timer is made on the sampler's own thread: advancing the clock before it exists would be lost.
        await time.TimerCreated.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => rig.Kernel.Reads == 1);
        time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => rig.Kernel.Reads == 2);
        await rig.Sampler.StopAsync(Ct);

        // Two virtual seconds, two readings: nothing read on the wall clock's account.
        Assert.Equal(2, rig.Kernel.Reads);
    }

    /// <summary>Bounded wait for the sampler's thread; the clock it reads is virtual, only this wait is real.</summary>
    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 30 s");
            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>A virtual clock that says when the first timer has been made on it.</summary>
    private sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task TimerCreated => _created.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _created.TrySetResult();
            return timer;
        }
    }

    /// <summary>Answers the three listings the sampler reads, with counters the test moves.</summary>
    private sealed class ScriptedKernel : ICommandRunner
    {
        private int _reads;

        public long Bytes { get; set; } = 5_000;
        public int Reads => Volatile.Read(ref _reads);
        public List<string> Calls { get; } = [];

        public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, string? stdin = null, CancellationToken ct = default)
        {
            lock (Calls)
            {
                Calls.Add($"{program} {string.Join(' ', arguments)}");
            }
            var stdout = program switch
            {
                "nft" => $$$"""{"nftables": [{"metainfo": {}}, {"counter": {"family": "inet", "name": "{{{RulesetRenderer.CounterName("dsl", "rx")}}}", "table": "appliance", "packets": 10, "bytes": {{{Bytes}}}}}, {"counter": {"family": "inet", "name": "{{{RulesetRenderer.CounterName("dsl", "tx")}}}", "table": "appliance", "packets": 10, "bytes": {{{Bytes}}}}}]}""",
                "conntrack" => $"tcp 6 431998 ESTABLISHED src=198.18.1.10 dst=203.0.113.5 sport=1 dport=80 [ASSURED] mark={KernelIds.MarkOf(1)} use=1\n" +
                               $"udp 17 29 src=198.18.1.10 dst=203.0.113.53 sport=2 dport=53 mark={KernelIds.MarkOf(1)} use=1\n",
                "ss" => "0 0 198.18.11.2%wan1:44112 203.0.113.20:7443\n\t cubic rto:204 bytes_sent:4000 bytes_received:164\n",
                _ => "",
            };
            if (program == "ss")
            {
                Interlocked.Increment(ref _reads);
            }
            return Task.FromResult(new CommandResult(0, stdout, ""));
        }
    }
}
