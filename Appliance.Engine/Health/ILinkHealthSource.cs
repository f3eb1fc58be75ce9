namespace Appliance.Engine.Health;

/// <summary>Publishes the health of every WAN and tells subscribers when any of it changes.</summary>
public interface ILinkHealthSource
{
    IReadOnlyDictionary<string, LinkHealth> Current { get; }

    /// <summary>Latest probe figures per WAN; they change every round without notifying.</summary>
    IReadOnlyDictionary<string, LinkMetrics> Metrics => new Dictionary<string, LinkMetrics>();

    /// <summary>Called when a WAN's state, carrier or gateway changes (not on every new reason or figure).</summary>
    IDisposable Subscribe(Action onChanged);
}
