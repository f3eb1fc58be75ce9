namespace Appliance.Engine.Supervision;

/// <summary>
/// When a critical loop counts as stalled (wedged rather than slow or failing): the watchdog's health check turns
/// unhealthy, systemd stops hearing from the process and restarts it.
/// </summary>
/// <param name="PassLimit">Longest one pass may be busy.</param>
/// <param name="Period">
/// For a loop that runs every <paramref name="Period"/>: the next pass must begin within it after the last one ended.
/// Null for a loop that waits for work (the reconciler), which may stay idle for as long as nothing changes.
/// </param>
public sealed record LoopStall(TimeSpan PassLimit, TimeSpan? Period = null)
{
    /// <summary>
    /// Two minutes: each command a pass runs gives up after 30 s by itself, and a failed pass is not a stall, so a pass
    /// still busy after this long is stuck.
    /// </summary>
    public static readonly TimeSpan DefaultPassLimit = TimeSpan.FromMinutes(2);

    /// <summary>How long after the last sign of life the loop may stay silent, given what it was doing.</summary>
    internal TimeSpan? Allowance(bool busy, TimeSpan retryIn) =>
        busy ? PassLimit
        : retryIn > TimeSpan.Zero ? retryIn + PassLimit
        : Period is { } period ? period + PassLimit
        : null;
}
