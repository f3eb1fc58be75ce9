namespace Appliance.Engine.Configuration;

/// <summary>How a WAN's health is probed and judged.</summary>
/// <remarks>
/// Defaults aim at about one second of detection: a round every 250 ms, a probe lost after 500 ms,
/// down after 3 failed rounds. Recovery thresholds are lower than failure thresholds (hysteresis).
/// A target is either a bare address (probed with <see cref="Method"/>) or a URI whose scheme names
/// the method: icmp://198.51.100.1, tcp://198.51.100.1:443, dns://198.51.100.53/example.com,
/// http://198.51.100.80/health, https://…
/// </remarks>
public sealed record ProbeSettings
{
    public ProbeMethod Method { get; init; } = ProbeMethod.Icmp;
    public IReadOnlyList<string> Targets { get; init; } = [];
    public int IntervalMs { get; init; } = 250;
    public int TimeoutMs { get; init; } = 500;
    /// <summary>Consecutive failed rounds before the link is down.</summary>
    public int DownCount { get; init; } = 3;
    /// <summary>Consecutive good rounds before a down link is up again.</summary>
    public int UpCount { get; init; } = 5;
    /// <summary>A round is good when at least this many targets answer.</summary>
    public int Quorum { get; init; } = 1;
    public double DegradedLossPercent { get; init; } = 20;
    public int DegradedLatencyMs { get; init; } = 500;
    public double DownLossPercent { get; init; } = 60;
    public int DownLatencyMs { get; init; } = 2000;
    public double RecoverLossPercent { get; init; } = 10;
    public int RecoverLatencyMs { get; init; } = 300;
}
