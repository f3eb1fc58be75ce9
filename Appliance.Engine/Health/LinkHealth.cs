namespace Appliance.Engine.Health;

/// <summary>Health of a WAN as the health monitor judges it.</summary>
public enum LinkState { Unknown, Up, Degraded, Down }

/// <summary>A WAN's current health, why, and the next hop it uses right now.</summary>
/// <param name="Reason">Human explanation, e.g. "down: no carrier".</param>
/// <param name="Gateway">The gateway the link uses now: the configured one, or the one learned for <c>dhcp</c>.</param>
public sealed record LinkHealth(LinkState State, string Reason, string? Gateway = null)
{
    /// <summary>Degraded links still carry traffic; only down or unknown ones do not.</summary>
    public bool Usable => State is LinkState.Up or LinkState.Degraded;

    public static LinkHealth Unknown { get; } = new(LinkState.Unknown, "no health information yet");
}
