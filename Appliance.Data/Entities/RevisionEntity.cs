namespace Appliance.Data.Entities;

/// <summary>Lifecycle of an applied configuration.</summary>
public enum RevisionStatus
{
    /// <summary>Applied with commit-confirm and waiting for confirmation.</summary>
    Pending,
    Applied,
    Confirmed,
    /// <summary>Not confirmed in time (or superseded by a rollback while waiting): the previous revision runs again.</summary>
    Reverted,
    /// <summary>The engine could not apply it; the last good state stayed in the kernel.</summary>
    Failed,
}

/// <summary>A numbered, immutable snapshot of the whole configuration.</summary>
public sealed class RevisionEntity
{
    public long Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string Author { get; set; } = "";
    public string Comment { get; set; } = "";
    public RevisionStatus Status { get; set; }
    /// <summary>The whole configuration as exported, byte for byte.</summary>
    public string ConfigJson { get; set; } = "";
    /// <summary>Commit-confirm: the revision reverts unless confirmed before this instant.</summary>
    public DateTimeOffset? ConfirmDeadline { get; set; }
    /// <summary>The revision that ran before this one; a revert returns to it.</summary>
    public long? PreviousRevisionId { get; set; }
    /// <summary>Set when this revision restores an earlier one.</summary>
    public long? RollbackOf { get; set; }
    public string? Error { get; set; }
}
