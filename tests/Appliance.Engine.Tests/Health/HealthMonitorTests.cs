using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Health.Probing;
using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Appliance.Engine.Tests.Fakes;
using Appliance.Engine.Tests.Kernel;
using Appliance.Engine.Tests.Planning;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Health;

public sealed class HealthMonitorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One WAN on wan1 with one ICMP target, or none (it then follows carrier).</summary>
    private static ConfigSnapshot Config(int intervalMs, int timeoutMs, bool probed = true) => new(1, new ApplianceConfig
    {
        Wans = [PlanCases.Wan("dsl", "wan1", "198.18.11.1") with
        {
            Probes = new ProbeSettings { Targets = probed ? ["198.51.100.1"] : [], IntervalMs = intervalMs, TimeoutMs = timeoutMs },
        }],
        Settings = PlanCases.Lan,
    }, EngineParts.Epoch);

    /// <summary>Answers every probe after <see cref="Takes"/> of virtual time; counts the probes in flight.</summary>
    private sealed class SlowProber(TimeProvider time) : IProber
    {
        private readonly Lock _lock = new();
        private readonly List<DateTimeOffset> _starts = [];
        private int _inFlight;

        public TimeSpan Takes { get; init; }

        /// <summary>Probe numbers (from 0) that never answer, ignoring their timeout.</summary>
        public HashSet<int> Hang { get; init; } = [];

        public int MostInFlight { get; private set; }

        public ProbeMethod Method => ProbeMethod.Icmp;

        public DateTimeOffset[] Starts
        {
            get { lock (_lock) { return [.. _starts]; } }
        }

        public async Task<ProbeResult> ProbeAsync(ProbeTarget target, WanBinding wan, TimeSpan timeout, CancellationToken ct)
        {
            int number;
            lock (_lock)
            {
                number = _starts.Count;
                _starts.Add(time.GetUtcNow());
                MostInFlight = Math.Max(MostInFlight, ++_inFlight);
            }
            try
            {
                if (Hang.Contains(number))
                {
                    await new TaskCompletionSource().Task.WaitAsync(ct);
                }
                if (Takes > TimeSpan.Zero)
                {
                    await Task.Delay(Takes, time, ct);
                }
                return ProbeResult.Answered(Takes.TotalMilliseconds);
            }
            finally
            {
                lock (_lock)
                {
                    _inFlight--;
                }
            }
        }
    }

    private sealed class Harness : IAsyncDisposable
    {
        public Harness(ConfigSnapshot config, Func<TimeProvider, SlowProber>? prober = null)
        {
            Kernel.SetLink("wan1", carrier: true);
            Runner = new FaultyRunner(Kernel);
            Loops = new LoopMonitor(Time);
            Prober = prober?.Invoke(Time);
            Monitor = EngineParts.HealthMonitor(new FakeConfigSource(config), Runner, Loops, Time, Prober is null ? null : new ProberSet(Prober));
        }

        public SlowProber? Prober { get; }

        public FakeTimeProvider Time { get; } = new(EngineParts.Epoch);
        public FakeKernel Kernel { get; } = new();
        public FaultyRunner Runner { get; }
        public LoopMonitor Loops { get; }
        public HealthMonitor Monitor { get; }

        public LoopStatus? Loop(string name) => Loops.Snapshot().SingleOrDefault(l => l.Name == name);

        public async ValueTask DisposeAsync()
        {
            await Monitor.StopAsync(CancellationToken.None);
            Monitor.Dispose();
        }
    }

    private static double[] Gaps(DateTimeOffset[] starts) => starts.Zip(starts.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToArray();

    [Fact]
    public async Task A_round_that_outlasts_the_interval_holds_the_next_one_back_until_it_ends()
    {
        // The case: a 50 ms interval with a 60 s timeout; here every round takes 200 ms.
        await using var harness = new Harness(Config(intervalMs: 50, timeoutMs: 60_000), time => new SlowProber(time) { Takes = TimeSpan.FromMilliseconds(200) });
        var prober = harness.Prober!;
        await harness.Monitor.StartAsync(Ct);

        await Wait.UntilAsync(() => prober.Starts.Length >= 12, "twelve rounds", harness.Time, TimeSpan.FromMilliseconds(10));

        Assert.Equal(1, prober.MostInFlight);
        // Each round starts when the previous one ended (200 ms), give or take the clock's 10 ms steps.
        Assert.All(Gaps(prober.Starts)[..10], gap => Assert.InRange(gap, 200, 230));
    }

    [Fact]
    public async Task Quick_rounds_start_one_interval_apart()
    {
        await using var harness = new Harness(Config(intervalMs: 250, timeoutMs: 500), time => new SlowProber(time) { Takes = TimeSpan.FromMilliseconds(20) });
        var prober = harness.Prober!;
        await harness.Monitor.StartAsync(Ct);

        await Wait.UntilAsync(() => prober.Starts.Length >= 8, "eight rounds", harness.Time, TimeSpan.FromMilliseconds(10));

        // From start to start, not from end to start: the round's own 20 ms do not stretch the interval.
        Assert.All(Gaps(prober.Starts)[..6], gap => Assert.InRange(gap, 250, 270));
        Assert.Equal(1, prober.MostInFlight);
    }

    [Fact]
    public async Task A_probe_that_ignores_its_timeout_loses_its_round_and_the_next_round_still_comes()
    {
        await using var harness = new Harness(Config(intervalMs: 250, timeoutMs: 500), time => new SlowProber(time) { Hang = [0] });
        var prober = harness.Prober!;
        await harness.Monitor.StartAsync(Ct);

        await Wait.UntilAsync(() => prober.Starts.Length >= 3, "the rounds after the hung one", harness.Time, TimeSpan.FromMilliseconds(50));

        // The hung round is given up after its timeout plus a grace of 2 s, and counted as lost.
        var starts = prober.Starts;
        Assert.InRange((starts[1] - starts[0]).TotalMilliseconds, 2_500, 2_600);
        Assert.InRange((starts[2] - starts[1]).TotalMilliseconds, 250, 300);
        Assert.Contains("overran its timeout", harness.Monitor.Metrics["dsl"].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_link_loop_carries_on_after_every_kind_of_runner_fault_and_still_follows_carrier()
    {
        await using var harness = new Harness(Config(intervalMs: 250, timeoutMs: 500, probed: false));
        foreach (var fault in FaultyRunner.EveryKind())
        {
            harness.Runner.ThrowOnce(fault, (program, args) => program == "ip" && args is ["-j", "link", "show"]);
        }
        await harness.Monitor.StartAsync(Ct);

        await Wait.UntilAsync(() => harness.Runner.Armed == 0, "every fault to be thrown", harness.Time, TimeSpan.FromSeconds(1));
        Assert.Equal(LoopStates.Retrying, harness.Loop(HealthMonitor.LoopName)!.State);
        await Wait.UntilAsync(() => harness.Loop(HealthMonitor.LoopName)?.State == LoopStates.Running, "a pass that went well", harness.Time, TimeSpan.FromSeconds(1));
        Assert.Equal(LinkState.Up, harness.Monitor.Current["dsl"].State);

        harness.Kernel.SetLink("wan1", carrier: false);

        await Wait.UntilAsync(() => harness.Monitor.Current["dsl"] is { State: LinkState.Down, Carrier: false }, "the carrier loss to be seen", harness.Time, TimeSpan.FromSeconds(1));
        Assert.Contains("TaskCanceledException", string.Join('\n', harness.Runner.Thrown.Select(t => t.GetType().Name)), StringComparison.Ordinal);
    }
}
