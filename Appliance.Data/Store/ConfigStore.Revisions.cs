using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Appliance.Engine.Supervision;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Appliance.Data.Store;

// Revisions: apply, commit-confirm, rollback, and the engine's verdict.
public sealed partial class ConfigStore
{
    /// <summary>Longest commit-confirm window: an hour is plenty to reach a box again after a bad change.</summary>
    public const int MaxConfirmSeconds = 3600;

    /// <summary>The name under which a revert that keeps failing appears among the status's loops.</summary>
    public const string RevertLoopName = "commit-confirm revert";

    public async Task<IReadOnlyList<RevisionInfo>> ListRevisionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Revisions.AsNoTracking().OrderByDescending(r => r.Id).ToListAsync(ct);
        return rows.Select(RevisionInfo.From).ToList();
    }

    public async Task<RevisionDetail> GetRevisionAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Revisions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw RevisionNotFound(id);
        return new RevisionDetail(RevisionInfo.From(row), ConfigJson.Deserialize(row.ConfigJson));
    }

    public Task<RevisionInfo> ApplyAsync(string? comment, int confirmSeconds, ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            CheckApplyArguments(comment, confirmSeconds);
            await RefuseWhileAwaitingConfirmationAsync(db, ct);
            var config = await LoadPendingAsync(db, ct);
            var errors = validator.Validate(config, ValidationPurpose.Apply);
            if (!errors.IsEmpty)
            {
                throw new ConfigValidationException(errors, "The pending configuration cannot be applied.");
            }
            var revision = await AddRevisionAsync(db, config, comment, confirmSeconds, rollbackOf: null, who, ct);
            Audit(db, who, "config.apply", $"revision {revision.Id}", ConfirmText(confirmSeconds, revision.Comment));
            await db.SaveChangesAsync(ct);
            await RefreshCurrentAsync(db, ct);
            return RevisionInfo.From(revision);
        }, ct);

    public Task<RevisionInfo> ConfirmAsync(ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var awaiting = await db.Revisions.FirstOrDefaultAsync(r => r.Status == RevisionStatus.Pending, ct)
                ?? throw new ConfigConflictException("No revision is waiting for confirmation.");
            awaiting.Status = RevisionStatus.Confirmed;
            awaiting.ConfirmDeadline = null;
            _afterCommit.Add(CancelConfirmTimeout);
            Audit(db, who, "config.confirm", $"revision {awaiting.Id}", "");
            await db.SaveChangesAsync(ct);
            return RevisionInfo.From(awaiting);
        }, ct);

    public Task<RevisionInfo> RollbackAsync(long revisionId, string? comment, int confirmSeconds, ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            CheckApplyArguments(comment, confirmSeconds);
            var target = await db.Revisions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == revisionId, ct) ?? throw RevisionNotFound(revisionId);
            var config = ConfigJson.Deserialize(target.ConfigJson);
            var errors = validator.Validate(config, ValidationPurpose.Apply);
            if (!errors.IsEmpty)
            {
                throw new ConfigValidationException(errors, $"Revision {revisionId} cannot be applied with this firmware.");
            }
            // Rolling back while a change awaits confirmation abandons that change.
            var awaiting = await db.Revisions.FirstOrDefaultAsync(r => r.Status == RevisionStatus.Pending, ct);
            if (awaiting is not null)
            {
                awaiting.Status = RevisionStatus.Reverted;
                awaiting.Error = $"superseded by a rollback to revision {revisionId}";
                awaiting.ConfirmDeadline = null;
                _afterCommit.Add(CancelConfirmTimeout);
                await db.SaveChangesAsync(ct);
            }
            await ReplacePendingAsync(db, config, ct);
            var revision = await AddRevisionAsync(db, config, comment ?? $"rollback to revision {revisionId}", confirmSeconds, revisionId, who, ct);
            Audit(db, who, "config.rollback", $"revision {revision.Id}", $"restores revision {revisionId}; {ConfirmText(confirmSeconds, "")}");
            await db.SaveChangesAsync(ct);
            await RefreshCurrentAsync(db, ct);
            return RevisionInfo.From(revision);
        }, ct);

    public Task MarkFailedAsync(long revisionId, string error, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var revision = await db.Revisions.FirstOrDefaultAsync(r => r.Id == revisionId, ct) ?? throw RevisionNotFound(revisionId);
            if (revision.Status == RevisionStatus.Failed)
            {
                return;
            }
            if (revision.Status == RevisionStatus.Pending)
            {
                _afterCommit.Add(CancelConfirmTimeout);
            }
            revision.Status = RevisionStatus.Failed;
            revision.Error = error;
            revision.ConfirmDeadline = null;
            Audit(db, ChangeContext.System, "config.failed", $"revision {revisionId}", error);
            await db.SaveChangesAsync(ct);
            await RefreshCurrentAsync(db, ct);
        }, ct);

    private async Task<RevisionEntity> AddRevisionAsync(
        ApplianceDbContext db, ApplianceConfig config, string? comment, int confirmSeconds, long? rollbackOf, ChangeContext who, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var revision = new RevisionEntity
        {
            CreatedAt = now,
            Author = who.Actor,
            Comment = comment?.Trim() ?? "",
            Status = confirmSeconds > 0 ? RevisionStatus.Pending : RevisionStatus.Applied,
            ConfigJson = ConfigJson.Serialize(config),
            ConfirmDeadline = confirmSeconds > 0 ? now.AddSeconds(confirmSeconds) : null,
            PreviousRevisionId = _current.RevisionId == 0 ? null : _current.RevisionId,
            RollbackOf = rollbackOf,
        };
        db.Revisions.Add(revision);
        await db.SaveChangesAsync(ct);
        if (revision.ConfirmDeadline is { } deadline)
        {
            _afterCommit.Add(() => ScheduleConfirmTimeout(deadline));
        }
        return revision;
    }

    private static async Task RefuseWhileAwaitingConfirmationAsync(ApplianceDbContext db, CancellationToken ct)
    {
        var awaiting = await db.Revisions.AsNoTracking().FirstOrDefaultAsync(r => r.Status == RevisionStatus.Pending, ct);
        if (awaiting is not null)
        {
            throw new ConfigConflictException($"Revision {awaiting.Id} is waiting for confirmation; confirm it or roll back first.");
        }
    }

    private static void CheckApplyArguments(string? comment, int confirmSeconds)
    {
        var errors = new ValidationErrors();
        if (confirmSeconds is < 0 or > MaxConfirmSeconds)
        {
            errors.Add("confirmSeconds", $"must be between 0 and {MaxConfirmSeconds}");
        }
        if (comment?.Length > 500)
        {
            errors.Add("comment", "must be at most 500 characters");
        }
        if (!errors.IsEmpty)
        {
            throw new ConfigValidationException(errors, "The apply request is invalid.");
        }
    }

    private void ScheduleConfirmTimeout(DateTimeOffset deadline)
    {
        var due = deadline - time.GetUtcNow();
        ScheduleRevert(due < TimeSpan.Zero ? TimeSpan.Zero : due);
    }

    private void ScheduleRevert(TimeSpan due)
    {
        lock (_timerLock)
        {
            ScheduleRevertLocked(due);
        }
    }

    // Only with _timerLock held.
    private void ScheduleRevertLocked(TimeSpan due)
    {
        _confirmTimer?.Dispose();
        _confirmTimer = time.CreateTimer(_ => _ = RevertUnconfirmedAsync(), null, due, Timeout.InfiniteTimeSpan);
    }

    private void CancelConfirmTimeout()
    {
        lock (_timerLock)
        {
            _confirmTimer?.Dispose();
            _confirmTimer = null;
            EndRevertRetry();
        }
    }

    /// <summary>
    /// The commit-confirm window ran out: the provisional revision is reverted and the previous one runs again. Until
    /// that write lands (a busy or full database) it is tried again and again, 1 s doubling to 1 min apart: the
    /// unconfirmed revision is typically the one that cut the admin off. The status says so meanwhile.
    /// </summary>
    private async Task RevertUnconfirmedAsync()
    {
        long? revisionId = null;
        try
        {
            DateTimeOffset? early = null;
            await WriteAsync(async db =>
            {
                var now = time.GetUtcNow();
                var expired = await db.Revisions.FirstOrDefaultAsync(r => r.Status == RevisionStatus.Pending, CancellationToken.None);
                if (expired?.ConfirmDeadline is not { } deadline)
                {
                    return;
                }
                revisionId = expired.Id;
                if (deadline > now)
                {
                    // Timers run on a monotonic clock and may fire a little before the wall-clock deadline: wait out the rest.
                    early = deadline;
                    return;
                }
                expired.Status = RevisionStatus.Reverted;
                expired.Error = $"not confirmed by {deadline:u}; reverted";
                expired.ConfirmDeadline = null;
                Audit(db, ChangeContext.System, "config.revert", $"revision {expired.Id}", "commit-confirm timed out");
                await db.SaveChangesAsync(CancellationToken.None);
                var running = await RefreshCurrentAsync(db, CancellationToken.None);
                LogReverted(logger, expired.Id, running.RevisionId);
            }, CancellationToken.None);
            if (early is { } wait)
            {
                ScheduleConfirmTimeout(wait);
                return;
            }
            // Reverted, or nothing is waiting any more (confirmed or rolled back meanwhile).
            lock (_timerLock)
            {
                EndRevertRetry();
            }
        }
        catch (Exception ex)
        {
            RetryRevert(revisionId, ex);
        }
    }

    private void RetryRevert(long? revisionId, Exception error)
    {
        TimeSpan pause;
        lock (_timerLock)
        {
            if (_disposed)
            {
                // Shut down mid-attempt: the next start finds the revision still pending and reverts it then.
                return;
            }
            var retry = _revertRetry ??= loops.Register(RevertLoopName);
            retry.Subject = revisionId is { } id ? $"revert of revision {id} pending" : "revert of the unconfirmed revision pending";
            pause = Backoff.Default.After(retry.Failures + 1);
            // Due before it is reported: whoever reads the report can count on the attempt it announces.
            ScheduleRevertLocked(pause);
            retry.Failed(error, pause);
        }
        LogRevertFailed(logger, revisionId ?? 0, pause, error);
    }

    // Only with _timerLock held.
    private void EndRevertRetry()
    {
        _revertRetry?.Dispose();
        _revertRetry = null;
    }

    private static string ConfirmText(int confirmSeconds, string comment) =>
        (confirmSeconds > 0 ? $"reverts unless confirmed within {confirmSeconds} s" : "applied") + (comment.Length > 0 ? $"; {comment}" : "");

    private static ConfigNotFoundException RevisionNotFound(long id) => new($"No revision {id}.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revision {RevisionId} was not confirmed in time; running revision {RunningId} again")]
    private static partial void LogReverted(ILogger logger, long revisionId, long runningId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reverting unconfirmed revision {RevisionId} failed; trying again in {Pause}")]
    private static partial void LogRevertFailed(ILogger logger, long revisionId, TimeSpan pause, Exception exception);
}
