namespace Appliance.Engine.Health;

/// <summary>Health of a WAN as the health monitor judges it.</summary>
public enum LinkState { Unknown, Up, Degraded, Down }

/// <summary>A WAN's current health, why, and the next hop it uses right now.</summary>
/// <param name="Reason">Human explanation, e.g. "down: no carrier".</param>
/// <param name="Gateway">The gateway the link uses now: the configured one, or the one learned for <c>dhcp</c>.</param>
/// <param name="Carrier">The interface exists and has carrier; its routes stay so probes can tell when it recovers.</param>
/// <param name="Address">The interface's IPv4 address, which bonded WANs use as their MPTCP endpoint.</param>
public sealed record LinkHealth(LinkState State, string Reason, string? Gateway = null, bool Carrier = true, string? Address = null)
{
    /// <summary>Degraded links still carry traffic; only down or unknown ones do not.</summary>
    public bool Usable => State is LinkState.Up or LinkState.Degraded;

    public static LinkHealth Unknown { get; } = new(LinkState.Unknown, "no health information yet");
}

/// <summary>Probe measurements of a WAN; they change every round, unlike the state.</summary>
public sealed record LinkMetrics(double? RttMs, double? JitterMs, double? LossPercent, string? LastError)
{
    public static LinkMetrics None { get; } = new(null, null, null, null);
}
