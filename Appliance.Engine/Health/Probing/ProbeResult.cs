namespace Appliance.Engine.Health.Probing;

/// <summary>One probe's outcome: answered in <see cref="RttMs"/>, or lost with a reason.</summary>
public sealed record ProbeResult(bool Success, double RttMs, string? Error)
{
    public static ProbeResult Answered(double rttMs) => new(true, rttMs, null);

    public static ProbeResult Lost(string error) => new(false, 0, error);
}

/// <summary>How a probe leaves through one WAN only: bound to its interface and marked for its routing table.</summary>
public sealed record WanBinding(string Interface, uint Mark);
