namespace Appliance.Engine.Status;

/// <summary>What the engine is doing right now, as reported by <c>/api/v1/status</c>.</summary>
/// <param name="Running">False until the engine has started and applied a revision.</param>
/// <param name="Message">Human explanation, e.g. why the last apply failed.</param>
/// <param name="RevisionId">The revision whose state is in the kernel (0 for none).</param>
public sealed record EngineStatus(bool Running, string Message, long RevisionId, DateTimeOffset? LastApplied, IReadOnlyList<WanStatus> Wans)
{
    public static EngineStatus NotRunning(string message) => new(false, message, 0, null, []);
}

/// <summary>One WAN's live state.</summary>
public sealed record WanStatus(
    string Name,
    string State,
    string Reason,
    double? RttMs,
    double? JitterMs,
    double? LossPercent,
    long RxBitsPerSecond,
    long TxBitsPerSecond,
    long Sessions);

/// <summary>Source of the engine's live status.</summary>
public interface IEngineStatusSource
{
    EngineStatus Current { get; }
}
