namespace Appliance.Engine.Status;

/// <summary>What the engine is doing right now, as reported by <c>/api/v1/status</c>.</summary>
/// <param name="Running">False until the engine has started and applied a revision.</param>
/// <param name="Message">Human explanation, e.g. why the last apply failed.</param>
/// <param name="RevisionId">The revision whose state is in the kernel (0 for none).</param>
/// <param name="Warnings">What the admin should know about the running plan (e.g. a pinned WAN that is down).</param>
public sealed record EngineStatus(bool Running, string Message, long RevisionId, DateTimeOffset? LastApplied, IReadOnlyList<WanStatus> Wans, IReadOnlyList<string> Warnings)
{
    /// <summary>The bonding relay (edge or hub); null when this appliance does not bond.</summary>
    public BondingStatus? Bonding { get; init; }

    /// <summary>When this status was read for sending (live snapshots), so a client can tell its age.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>Counts of applies that reached the kernel and that it refused, since the process started.</summary>
    public ApplyStats Applies { get; init; } = ApplyStats.None;

    /// <summary>
    /// The appliance's supervised loops (reconciler, health, telemetry, history, …) and retried tasks such as a
    /// commit-confirm revert: running, retrying after a failure (with the last error) or stalled.
    /// </summary>
    public IReadOnlyList<LoopStatus> Loops { get; init; } = [];

    /// <summary>The box's ports with their roles, link and speed (configured ones that are missing included).</summary>
    public IReadOnlyList<Network.PortState> Ports { get; init; } = [];

    public static EngineStatus NotRunning(string message) => new(false, message, 0, null, [], []);
}

/// <summary>One WAN's live state; a figure the engine does not measure (yet) is null, never invented.</summary>
/// <param name="Usable">Whether the WAN takes new sessions now.</param>
/// <param name="NewSessions">Sessions assigned to this WAN since the ruleset was first loaded.</param>
public sealed record WanStatus(
    string Name,
    string Interface,
    string State,
    bool Usable,
    string Reason,
    double? RttMs,
    double? JitterMs,
    double? LossPercent,
    long? RxBitsPerSecond,
    long? TxBitsPerSecond,
    long? NewSessions)
{
    /// <summary>Sessions (conntrack entries) on this WAN now; null until counted.</summary>
    public long? Sessions { get; init; }

    /// <summary>MPTCP subflows to the hub from this WAN now (bonded WANs on an edge); null otherwise.</summary>
    public int? Subflows { get; init; }

    /// <summary>Bytes received on this WAN since its ruleset counter was created (a reload restarts it); null until sampled.</summary>
    public long? RxBytes { get; init; }

    /// <summary>Bytes sent on this WAN since its ruleset counter was created (a reload restarts it); null until sampled.</summary>
    public long? TxBytes { get; init; }

    /// <summary>How the WAN got its address (DHCP lease, PPPoE session, static) and what it got; null until known.</summary>
    public Network.WanAddressState? Addressing { get; init; }
}

/// <summary>Source of the engine's live status.</summary>
public interface IEngineStatusSource
{
    EngineStatus Current { get; }
}
