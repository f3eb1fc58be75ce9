namespace Appliance.Engine.Telemetry;

/// <summary>Per-WAN telemetry history: the last 15 minutes at 1 s, the last 24 hours at 1 min; survives a restart.</summary>
public interface ILinkHistory
{
    /// <summary>The WANs that have history, in name order.</summary>
    IReadOnlyList<string> Wans { get; }

    /// <summary>One WAN's samples from <paramref name="since"/> until now, oldest first, at the finest resolution still kept for each part.</summary>
    Task<IReadOnlyList<LinkSample>> QueryAsync(string wan, DateTimeOffset since, CancellationToken ct = default);
}
