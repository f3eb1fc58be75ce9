using Appliance.Engine.Configuration;

namespace Appliance.Data.Store;

/// <summary>
/// What a change of revisions returns: its result, and what it leaves to do outside the database once it has
/// committed, in this order: end the countdown, start one, publish what runs now.
/// </summary>
internal sealed record RevisionChange<T>(T Value)
{
    /// <summary>The revision that was waiting for confirmation no longer does (confirmed, abandoned or failed).</summary>
    public bool EndsCountdown { get; init; }

    /// <summary>The new revision reverts unless confirmed by then.</summary>
    public DateTimeOffset? CountdownUntil { get; init; }

    /// <summary>What runs after the change.</summary>
    public ConfigSnapshot? Running { get; init; }
}
