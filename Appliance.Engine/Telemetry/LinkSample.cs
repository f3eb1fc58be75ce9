namespace Appliance.Engine.Telemetry;

/// <summary>
/// One WAN over one interval of its history: a second for the recent past, a minute further back.
/// Rates are averages over the interval; a figure that was not measured is null, never invented.
/// </summary>
/// <param name="At">Start of the interval (UTC).</param>
/// <param name="State">The worst state seen in the interval (down &gt; degraded &gt; unknown &gt; up).</param>
/// <param name="Sessions">Sessions (conntrack entries) on this WAN at the end of the interval.</param>
/// <param name="Subflows">MPTCP subflows to the hub from this WAN (bonded WANs only).</param>
public sealed record LinkSample(
    DateTimeOffset At,
    string State,
    double? RttMs,
    double? JitterMs,
    double? LossPercent,
    long RxBitsPerSecond,
    long TxBitsPerSecond,
    long? Sessions,
    int? Subflows);
