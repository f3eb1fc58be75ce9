namespace Appliance.Engine.Status;

/// <summary>One supervised loop of the appliance (or a retried task such as a commit-confirm revert) as <c>/api/v1/status</c> reports it.</summary>
/// <param name="State">See <see cref="LoopStates"/>.</param>
/// <param name="Message">What is wrong, for people ("revert of revision 7 pending: retrying in 4 s (last error: …)"); null while running well.</param>
/// <param name="Failures">Failures in a row since the last pass that went well.</param>
/// <param name="LastError">The most recent failure, also after the loop recovered (with <paramref name="LastErrorAt"/>).</param>
/// <param name="RetryAt">When the next attempt is due while retrying.</param>
/// <param name="LastPass">When a pass last went well.</param>
public sealed record LoopStatus(
    string Name,
    string State,
    string? Message,
    int Failures,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? RetryAt,
    DateTimeOffset? LastPass);

/// <summary>The states of a <see cref="LoopStatus"/>.</summary>
public static class LoopStates
{
    /// <summary>Working, or waiting for work or for its next period.</summary>
    public const string Running = "running";

    /// <summary>Its last pass failed; it tries again after a pause that grows while the failures go on.</summary>
    public const string Retrying = "retrying";

    /// <summary>A critical loop made no progress in time; the systemd watchdog stops pinging so the process is restarted.</summary>
    public const string Stalled = "stalled";
}
