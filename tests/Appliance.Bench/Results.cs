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
    public BondingResults? Bonding { get; set; }
    public LiveStatusResults? LiveStatus { get; set; }
    public RenewalResults? Renewal { get; set; }
}

/// <summary>DHCP renumbering (ms): renew request to new lease, and new lease to traffic from the new address.</summary>
public sealed record RenewalResults(int Trials, string Setup, Summary LeaseMs, Summary TrafficAfterLeaseMs);

/// <summary>The status hub with many clients: delivery latency of the 1 Hz snapshot (ms) and the appliance process's CPU (% of one core).</summary>
/// <param name="Delivered">Snapshots received by all clients in the measured window; <paramref name="Expected"/> is clients × seconds.</param>
public sealed record LiveStatusResults(
    int Clients, int Seconds, int Delivered, int Expected, long SnapshotBytes,
    double P50Ms, double P99Ms, double MaxMs, double IdleCpuPercent, double CpuPercent, int ConnectedAtEnd);

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

public sealed record BondingResults(
    int Seconds, int OmitSeconds, string Setup, IReadOnlyList<BondedLinksResult> Shaped, IReadOnlyList<HandoverTrial> Handover, IReadOnlyList<UnshapedRelayResult> Unshaped);

/// <summary>One TCP session over shaped links (Mbit/s received): through the C# relay and the hub, and kernel MPTCP end to end.</summary>
public sealed record BondedLinksResult(string Links, double SumMbit, double RelayDownMbit, double RelayUpMbit, double KernelDownMbit, double KernelUpMbit)
{
    public double RelayDownOfSum => Math.Round(RelayDownMbit / SumMbit, 3);
    public double RelayUpOfSum => Math.Round(RelayUpMbit / SumMbit, 3);
    public double RelayDownOfKernel => Math.Round(RelayDownMbit / KernelDownMbit, 3);
    public double RelayUpOfKernel => Math.Round(RelayUpMbit / KernelUpMbit, 3);
}

/// <summary>A bonded download while wan1 goes silent for 5 s (ms unless named otherwise).</summary>
/// <param name="EndpointRemovedMs">From the silence to health removing wan1's MPTCP endpoint.</param>
/// <param name="EndpointBackMs">From the link's return to its endpoint being added back.</param>
/// <param name="Wan1MbitAfterReturn">What wan1 received in the 3 s after its endpoint was back: the live session uses it again.</param>
public sealed record HandoverTrial(bool Completed, double LongestStallMs, double EndpointRemovedMs, double EndpointBackMs, double Wan1MbitAfterReturn, double AverageMbit);

/// <summary>The relay without shaping on veth: Gbit/s received and CPU-seconds (edge and hub relays together) per Gbit relayed.</summary>
public sealed record UnshapedRelayResult(
    string Mode, int Seconds, double DownGbps, double UpGbps, double DownCpuSecondsPerGbit, double UpCpuSecondsPerGbit, double? KernelDownGbps, double? KernelUpGbps);
