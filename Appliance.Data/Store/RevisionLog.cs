using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Appliance.Engine.Supervision;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Appliance.Data.Store;

/// <summary>The SQLite-backed <see cref="IRevisionLog"/>; it publishes what runs and keeps the commit-confirm countdown.</summary>
public sealed partial class RevisionLog : IRevisionLog, IDisposable
{
    /// <summary>Longest commit-confirm window: an hour is plenty to reach a box again after a bad change.</summary>
    public const int MaxConfirmSeconds = 3600;

    private readonly IDbContextFactory<ApplianceDbContext> _dbFactory;
    private readonly ConfigWriter _writer;
    private readonly RunningConfigPublisher _running;
    private readonly ConfigValidator _validator;
    private readonly TimeProvider _time;
    private readonly ILogger<RevisionLog> _logger;
    private readonly CommitConfirmTimer _countdown;

    public RevisionLog(
        IDbContextFactory<ApplianceDbContext> dbFactory,
        ConfigWriter writer,
        RunningConfigPublisher running,
        ConfigValidator validator,
        TimeProvider time,
        LoopMonitor loops,
        ILogger<RevisionLog> logger,
        ILogger<CommitConfirmTimer> countdownLogger)
    {
        (_dbFactory, _writer, _running, _validator, _time, _logger) = (dbFactory, writer, running, validator, time, logger);
        _countdown = new CommitConfirmTimer(RevertUnconfirmedAsync, time, loops, countdownLogger);
    }

    /// <summary>Loads the running revision and resumes a commit-confirm countdown left by a restart.</summary>
    internal async Task InitializeAsync(CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        _running.Load(await LoadRunningAsync(db, ct));
        var awaiting = await db.Revisions.AsNoTracking().OrderBy(r => r.Id).FirstOrDefaultAsync(r => r.Status == RevisionStatus.Pending, ct);
        if (awaiting?.ConfirmDeadline is { } deadline)
        {
            _countdown.Start(deadline);
        }
        LogLoaded(_logger, _running.Current.RevisionId);
    }

    public async Task<IReadOnlyList<RevisionInfo>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Revisions.AsNoTracking().OrderByDescending(r => r.Id).ToListAsync(ct);
        return rows.Select(RevisionInfo.From).ToList();
    }

    public async Task<RevisionDetail> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var row = await db.Revisions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw NotFound(id);
        return new RevisionDetail(RevisionInfo.From(row), ConfigJson.Deserialize(row.ConfigJson));
    }

    public Task<RevisionInfo> ApplyAsync(string? comment, int confirmSeconds, ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            CheckApplyArguments(comment, confirmSeconds);
            await RefuseWhileAwaitingConfirmationAsync(db, ct);
            var config = await PendingCopy.LoadAsync(db, ct);
            var errors = _validator.Validate(config, ValidationPurpose.Apply);
            if (!errors.IsEmpty)
            {
                throw new ConfigValidationException(errors, "The pending configuration cannot be applied.");
            }
            var revision = await AddRevisionAsync(db, config, comment, confirmSeconds, rollbackOf: null, who, ct);
            Audit(db, who, "config.apply", $"revision {revision.Id}", ConfirmText(confirmSeconds, revision.Comment));
            await db.SaveChangesAsync(ct);
            return new RevisionChange<RevisionInfo>(RevisionInfo.From(revision))
            {
                CountdownUntil = revision.ConfirmDeadline,
                Running = await LoadRunningAsync(db, ct),
            };
        }, ct);

    public Task<RevisionInfo> ConfirmAsync(ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var awaiting = await db.Revisions.FirstOrDefaultAsync(r => r.Status == RevisionStatus.Pending, ct)
                ?? throw new ConfigConflictException("No revision is waiting for confirmation.");
            awaiting.Status = RevisionStatus.Confirmed;
            awaiting.ConfirmDeadline = null;
            Audit(db, who, "config.confirm", $"revision {awaiting.Id}", "");
            await db.SaveChangesAsync(ct);
            return new RevisionChange<RevisionInfo>(RevisionInfo.From(awaiting)) { EndsCountdown = true };
        }, ct);

    public Task<RevisionInfo> RollbackAsync(long revisionId, string? comment, int confirmSeconds, ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            CheckApplyArguments(comment, confirmSeconds);
            var target = await db.Revisions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == revisionId, ct) ?? throw NotFound(revisionId);
            var config = ConfigJson.Deserialize(target.ConfigJson);
            var errors = _validator.Validate(config, ValidationPurpose.Apply);
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
                await db.SaveChangesAsync(ct);
            }
            await PendingCopy.ReplaceAsync(db, config, ct);
            var revision = await AddRevisionAsync(db, config, comment ?? $"rollback to revision {revisionId}", confirmSeconds, revisionId, who, ct);
            Audit(db, who, "config.rollback", $"revision {revision.Id}", $"restores revision {revisionId}; {ConfirmText(confirmSeconds, "")}");
            await db.SaveChangesAsync(ct);
            return new RevisionChange<RevisionInfo>(RevisionInfo.From(revision))
            {
                EndsCountdown = awaiting is not null,
                CountdownUntil = revision.ConfirmDeadline,
                Running = await LoadRunningAsync(db, ct),
            };
        }, ct);

    public Task MarkFailedAsync(long revisionId, string reason, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var revision = await db.Revisions.FirstOrDefaultAsync(r => r.Id == revisionId, ct) ?? throw NotFound(revisionId);
            if (revision.Status == RevisionStatus.Failed)
            {
                return new RevisionChange<bool>(false);
            }
            var wasAwaiting = revision.Status == RevisionStatus.Pending;
            revision.Status = RevisionStatus.Failed;
            revision.Error = reason;
            revision.ConfirmDeadline = null;
            Audit(db, ChangeContext.System, "config.failed", $"revision {revisionId}", reason);
            await db.SaveChangesAsync(ct);
            return new RevisionChange<bool>(true) { EndsCountdown = wasAwaiting, Running = await LoadRunningAsync(db, ct) };
        }, ct);

    public void Dispose() => _countdown.Dispose();

    /// <summary>Runs a change of revisions through the writer; its effects are carried out once it has committed.</summary>
    private async Task<T> WriteAsync<T>(Func<ApplianceDbContext, Task<RevisionChange<T>>> change, CancellationToken ct) =>
        (await _writer.WriteAsync(change, Carry, ct)).Value;

    private void Carry<T>(RevisionChange<T> change)
    {
        if (change.EndsCountdown)
        {
            _countdown.Stop();
        }
        if (change.CountdownUntil is { } deadline)
        {
            _countdown.Start(deadline);
        }
        if (change.Running is { } running)
        {
            _running.Publish(running);
        }
    }

    private async Task<RevisionEntity> AddRevisionAsync(
        ApplianceDbContext db, ApplianceConfig config, string? comment, int confirmSeconds, long? rollbackOf, ChangeContext who, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var previous = _running.Current.RevisionId;
        var revision = new RevisionEntity
        {
            CreatedAt = now,
            Author = who.Actor,
            Comment = comment?.Trim() ?? "",
            Status = confirmSeconds > 0 ? RevisionStatus.Pending : RevisionStatus.Applied,
            ConfigJson = ConfigJson.Serialize(config),
            ConfirmDeadline = confirmSeconds > 0 ? now.AddSeconds(confirmSeconds) : null,
            PreviousRevisionId = previous == 0 ? null : previous,
            RollbackOf = rollbackOf,
        };
        db.Revisions.Add(revision);
        await db.SaveChangesAsync(ct);
        return revision;
    }

    /// <summary>What runs as of the change so far: the newest revision that is neither reverted nor failed.</summary>
    private static async Task<ConfigSnapshot> LoadRunningAsync(ApplianceDbContext db, CancellationToken ct)
    {
        var running = await db.Revisions.AsNoTracking()
            .Where(r => r.Status == RevisionStatus.Pending || r.Status == RevisionStatus.Applied || r.Status == RevisionStatus.Confirmed)
            .OrderByDescending(r => r.Id)
            .FirstOrDefaultAsync(ct);
        return running is null
            ? ConfigSnapshot.None
            : new ConfigSnapshot(running.Id, ConfigJson.Deserialize(running.ConfigJson), running.CreatedAt);
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

    private void Audit(ApplianceDbContext db, ChangeContext who, string action, string target, string details) =>
        AuditLog.Add(db, _time.GetUtcNow(), who, action, target, details);

    private static string ConfirmText(int confirmSeconds, string comment) =>
        (confirmSeconds > 0 ? $"reverts unless confirmed within {confirmSeconds} s" : "applied") + (comment.Length > 0 ? $"; {comment}" : "");

    private static ConfigNotFoundException NotFound(long id) => new($"No revision {id}.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration store loaded; running revision {RevisionId}")]
    private static partial void LogLoaded(ILogger logger, long revisionId);
}
