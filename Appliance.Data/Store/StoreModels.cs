using Appliance.Data.Entities;
using Appliance.Engine.Configuration;

namespace Appliance.Data.Store;

/// <summary>A pending item with its concurrency version (the ETag clients send back with If-Match).</summary>
public sealed record Versioned<T>(T Value, long Version);

/// <summary>Who makes a change and from where; recorded in revisions and the audit trail.</summary>
public sealed record ChangeContext(string Actor, string Source)
{
    /// <summary>The appliance itself (timers, the engine).</summary>
    public static ChangeContext System { get; } = new("system", "system");
}

/// <summary>A revision as listed in the history.</summary>
public sealed record RevisionInfo(
    long Id,
    DateTimeOffset CreatedAt,
    string Author,
    string Comment,
    RevisionStatus Status,
    DateTimeOffset? ConfirmDeadline,
    long? PreviousRevisionId,
    long? RollbackOf,
    string? Error)
{
    internal static RevisionInfo From(RevisionEntity r) =>
        new(r.Id, r.CreatedAt, r.Author, r.Comment, r.Status, r.ConfirmDeadline, r.PreviousRevisionId, r.RollbackOf, r.Error);
}

/// <summary>A revision with the configuration it holds.</summary>
public sealed record RevisionDetail(RevisionInfo Revision, ApplianceConfig Config);

/// <summary>An audit trail entry.</summary>
/// <param name="Count">How many times it happened: repeated failed sign-ins from one source share one entry.</param>
/// <param name="LastAt">The last of them when <paramref name="Count"/> is above one; <paramref name="Time"/> is the first.</param>
public sealed record AuditEntry(
    long Id, DateTimeOffset Time, string Actor, string Source, string Action, string Target, string Details, int Count = 1, DateTimeOffset? LastAt = null)
{
    internal static AuditEntry From(AuditEntryEntity a) => new(a.Id, a.Time, a.Actor, a.Source, a.Action, a.Target, a.Details, a.Count, a.LastAt);
}

/// <summary>Which audit entries to list: by actor, by action (a prefix such as "login" or an exact action), by time.</summary>
public sealed record AuditQuery(string? Actor = null, string? Action = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, int Limit = 200);

/// <summary>Where the pending configuration stands against what runs.</summary>
public sealed record PendingStatus(bool HasChanges, long RunningRevisionId, RevisionInfo? AwaitingConfirmation)
{
    /// <summary>The changes touch the ports or the LAN: apply them with commit-confirm (see <see cref="SuggestConfirmReason"/>).</summary>
    public bool SuggestConfirm { get; init; }

    /// <summary>Why commit-confirm is suggested, in words; null when it is not.</summary>
    public string? SuggestConfirmReason { get; init; }
}
