namespace Appliance.Bench;

/// <summary>Median, minimum and maximum of a set of samples (milliseconds, Gbit/s, …), with the samples.</summary>
public sealed record Summary(double Median, double Min, double Max, int Count, IReadOnlyList<double> Samples)
{
    public static Summary Of(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("no samples", nameof(samples));
        }
        var sorted = samples.Order().ToArray();
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Summary(Round(median), Round(sorted[0]), Round(sorted[^1]), samples.Count, samples.Select(Round).ToList());
    }

    private static double Round(double value) => Math.Round(value, 3);
}

/// <param name="LoadAverage">/proc/loadavg when the run started: other work on the machine skews the figures.</param>
public sealed record MachineFacts(int Nproc, string Kernel, string Cpu, string Runtime, string Nft, string Iperf3, string LoadAverage);

public sealed record BenchResults
{
    public required string StartedAt { get; init; }
    public required MachineFacts Machine { get; init; }
    public double DurationSeconds { get; set; }
    public string LoadAverageAtEnd { get; set; } = "";
    /// <summary>"ok", or what failed; results of the parts that finished are kept.</summary>
    public string Status { get; set; } = "ok";
    public ApplyResults? Apply { get; set; }
    public ThroughputResults? Throughput { get; set; }
    public FailoverResults? Failover { get; set; }
}

/// <param name="PlanColdStartMs">The process's first Planner.Plan call (first WAN count), JIT included.</param>
public sealed record ApplyResults(int Rules, int ColdSamples, int Repeats, string Setup, double PlanColdStartMs, IReadOnlyList<ApplyResult> ByWanCount);

/// <summary>Apply latency for one WAN count. Milliseconds unless named otherwise.</summary>
/// <param name="Interfaces">dummy, or veth where the kernel lacks the dummy driver.</param>
/// <param name="PlanUs">Planner.Plan once warm (after about 2 s of warm-up calls), in microseconds.</param>
/// <param name="Change">Config change to kernel committed: plan + ApplyAsync of the changed state.</param>
/// <param name="ChangeApplyOnly">The ApplyAsync part of <paramref name="Change"/>.</param>
public sealed record ApplyResult(
    int Wans,
    string Interfaces,
    int RulesetBytes,
    Summary PlanUs,
    Summary Cold,
    CommandTally ColdCommands,
    Summary Change,
    Summary ChangeApplyOnly,
    CommandTally ChangeCommands,
    Summary Noop,
    CommandTally NoopCommands);

public sealed record ThroughputResults(int Seconds, int Rounds, int Rules, string Setup, IReadOnlyList<ThroughputResult> ByStreams);

/// <summary>iperf3 TCP throughput (received, Gbit/s) with plain forwarding and with the engine's ruleset.</summary>
/// <param name="Ratio">Median engine / median plain.</param>
/// <param name="EngineSessionsByWan">New sessions the engine's per-WAN counters saw during the engine runs (iperf3 control + data connections).</param>
public sealed record ThroughputResult(
    int Streams,
    Summary PlainGbps,
    Summary EngineGbps,
    double Ratio,
    int PlainRetransmits,
    int EngineRetransmits,
    IReadOnlyDictionary<string, long> EngineSessionsByWan);

/// <summary>Detection + reroute times in ms; a trial that never rerouted counts as the 10 s limit.</summary>
public sealed record FailoverResults(int Trials, string Setup, Summary SilentFailureMs, Summary CarrierLossMs);
