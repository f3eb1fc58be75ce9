namespace Appliance.Data.Store;

/// <summary>
/// Numbered revisions of the whole configuration: apply turns the pending copy into one, commit-confirm reverts it
/// unless confirmed, rollback restores an earlier one, and the engine's verdict marks one failed.
/// </summary>
public interface IRevisionLog
{
    /// <summary>Every revision, newest first.</summary>
    Task<IReadOnlyList<RevisionInfo>> ListAsync(CancellationToken ct = default);
    Task<RevisionDetail> GetAsync(long id, CancellationToken ct = default);
    /// <summary>Turns the pending configuration into a new running revision; with <paramref name="confirmSeconds"/> &gt; 0 it reverts unless confirmed.</summary>
    Task<RevisionInfo> ApplyAsync(string? comment, int confirmSeconds, ChangeContext who, CancellationToken ct = default);
    Task<RevisionInfo> ConfirmAsync(ChangeContext who, CancellationToken ct = default);
    /// <summary>Restores an earlier revision as a new revision (pending configuration included).</summary>
    Task<RevisionInfo> RollbackAsync(long revisionId, string? comment, int confirmSeconds, ChangeContext who, CancellationToken ct = default);
    /// <summary>The engine could not apply the revision; the previous good one runs again.</summary>
    Task MarkFailedAsync(long revisionId, string reason, CancellationToken ct = default);
}
