using Appliance.Data.Entities;
using Appliance.Engine;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Appliance.Engine.Supervision;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Appliance.Data.Store;

/// <summary>The SQLite-backed <see cref="IConfigStore"/>. One instance per process.</summary>
public sealed partial class ConfigStore(
    IDbContextFactory<ApplianceDbContext> dbFactory,
    ConfigValidator validator,
    TimeProvider time,
    LoopMonitor loops,
    ILogger<ConfigStore> logger) : IConfigStore, IDisposable
{
    // One writer at a time: edits are read-modify-write over several tables, and apply must see a settled pending copy.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ListenerSet<ConfigSnapshot> _subscribers = new();
    private volatile ConfigSnapshot _current = ConfigSnapshot.None;
    // The commit-confirm timer, and while a revert keeps failing its retry and the report of it in the status.
    private readonly Lock _timerLock = new();
    private ITimer? _confirmTimer;
    private LoopHandle? _revertRetry;
    private bool _disposed;
    // Effects of a change outside the database (the running snapshot, notifications, the confirm timer) wait for
    // its commit: a change that rolls back must leave no trace. Only touched while holding _writeLock.
    private readonly List<Action> _afterCommit = [];

    public ConfigSnapshot Current => _current;

    public IDisposable Subscribe(Action<ConfigSnapshot> onChanged) => _subscribers.Add(onChanged);

    /// <summary>Loads the running revision and resumes a commit-confirm countdown left by a restart.</summary>
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        _current = await LoadCurrentAsync(db, ct);
        var awaiting = await db.Revisions.AsNoTracking().OrderBy(r => r.Id).FirstOrDefaultAsync(r => r.Status == RevisionStatus.Pending, ct);
        if (awaiting?.ConfirmDeadline is { } deadline)
        {
            ScheduleConfirmTimeout(deadline);
        }
        LogLoaded(logger, _current.RevisionId);
    }

    public async Task<ApplianceConfig> GetPendingAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await LoadPendingAsync(db, ct);
    }

    public async Task<PendingStatus> GetPendingStatusAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = await LoadPendingAsync(db, ct);
        var current = _current;
        var awaiting = await db.Revisions.AsNoTracking().OrderBy(r => r.Id).FirstOrDefaultAsync(r => r.Status == RevisionStatus.Pending, ct);
        return new PendingStatus(
            ConfigJson.Serialize(pending) != ConfigJson.Serialize(current.Config) && !(current.RevisionId == 0 && IsEmpty(pending)),
            current.RevisionId,
            awaiting is null ? null : RevisionInfo.From(awaiting));
    }

    public async Task ImportAsync(ApplianceConfig config, ChangeContext who, CancellationToken ct = default)
    {
        var errors = validator.Validate(config, ValidationPurpose.Edit);
        if (!errors.IsEmpty)
        {
            throw new ConfigValidationException(errors, "The imported configuration is invalid; nothing was changed.");
        }
        await WriteAsync(async db =>
        {
            await ReplacePendingAsync(db, config, ct);
            Audit(db, who, "config.import", "config", $"{config.Wans.Count} WANs, {config.Rules.Count} rules");
            await db.SaveChangesAsync(ct);
        }, ct);
    }

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit = 200, CancellationToken ct = default) =>
        ListAuditAsync(new AuditQuery(Limit: limit), ct);

    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrEmpty(query.Actor))
        {
            rows = rows.Where(a => a.Actor == query.Actor);
        }
        if (!string.IsNullOrEmpty(query.Action))
        {
            // "login" finds login.success and login.failure; "login.failure" only those.
            rows = rows.Where(a => a.Action == query.Action || a.Action.StartsWith(query.Action + "."));
        }
        if (query.Since is { } since)
        {
            rows = rows.Where(a => a.Time >= since);
        }
        if (query.Until is { } until)
        {
            rows = rows.Where(a => a.Time < until);
        }
        var list = await rows.OrderByDescending(a => a.Id).Take(Math.Clamp(query.Limit, 1, 10_000)).ToListAsync(ct);
        return list.Select(AuditEntry.From).ToList();
    }

    // Only the audit trail changes: nothing for an apply bar or a config page to refresh.
    public Task AuditAsync(ChangeContext who, string action, string target, string details, CancellationToken ct = default) =>
        WriteCoreAsync(async db =>
        {
            Audit(db, who, action, target, details);
            await db.SaveChangesAsync(ct);
        }, ct, announce: false);

    public void Dispose()
    {
        lock (_timerLock)
        {
            _disposed = true;
        }
        CancelConfirmTimeout();
        _writeLock.Dispose();
    }

    private async Task WriteAsync(Func<ApplianceDbContext, Task> change, CancellationToken ct)
    {
        await WriteCoreAsync(change, ct);
    }

    private async Task<T> WriteAsync<T>(Func<ApplianceDbContext, Task<T>> change, CancellationToken ct)
    {
        T result = default!;
        // Named core method: a lambda returning the assignment would bind back to this generic overload.
        await WriteCoreAsync(async db => { result = await change(db); }, ct);
        return result;
    }

    /// <param name="announce">Whether edit listeners hear of the change once it is committed.</param>
    private async Task WriteCoreAsync(Func<ApplianceDbContext, Task> change, CancellationToken ct, bool announce = true)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            _afterCommit.Clear();
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                // Bulk deletes and several SaveChanges in one change must land together or not at all.
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                try
                {
                    await change(db);
                    await transaction.CommitAsync(ct);
                }
                catch (DbUpdateConcurrencyException)
                {
                    throw new ConfigVersionMismatchException("The item was changed by someone else; reload it and try again.");
                }
            }
            foreach (var effect in _afterCommit)
            {
                effect();
            }
            if (announce)
            {
                AnnounceEdit();
            }
        }
        finally
        {
            _afterCommit.Clear();
            _writeLock.Release();
        }
    }

    /// <summary>Validates an edited pending configuration; errors of the edited item lose their prefix, others keep their path.</summary>
    private void ValidateEdit(ApplianceConfig before, ApplianceConfig after, string? itemPath)
    {
        var errors = validator.Validate(after, ValidationPurpose.Edit);
        if (errors.IsEmpty)
        {
            return;
        }
        // Problems the pending copy already had are not this edit's fault and must not block it.
        var existing = validator.Validate(before, ValidationPurpose.Edit).Entries.ToHashSet();
        var result = new ValidationErrors();
        foreach (var (path, message) in errors.Entries.Where(e => !existing.Contains(e)))
        {
            result.Add(itemPath is not null && (path == itemPath || path.StartsWith(itemPath + ".", StringComparison.Ordinal))
                ? path[Math.Min(path.Length, itemPath.Length + 1)..]
                : path, message);
        }
        if (!result.IsEmpty)
        {
            throw new ConfigValidationException(result);
        }
    }

    private static async Task<ApplianceConfig> LoadPendingAsync(ApplianceDbContext db, CancellationToken ct)
    {
        var wans = await db.Wans.AsNoTracking().OrderBy(w => w.Id).ToListAsync(ct);
        var rules = await db.Rules.AsNoTracking().OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
        var settings = await db.Settings.AsNoTracking().OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
        return new ApplianceConfig
        {
            Wans = wans.Select(w => w.ToModel()).ToList(),
            Rules = rules.Select(r => r.ToModel()).ToList(),
            Settings = settings?.Settings ?? new ApplianceSettings(),
        };
    }

    private static async Task ReplacePendingAsync(ApplianceDbContext db, ApplianceConfig config, CancellationToken ct)
    {
        await db.Wans.ExecuteDeleteAsync(ct);
        await db.Rules.ExecuteDeleteAsync(ct);
        var wanVersion = 1;
        foreach (var wan in config.Wans)
        {
            var entity = new WanEntity { Version = wanVersion };
            entity.CopyFrom(wan);
            db.Wans.Add(entity);
        }
        for (var i = 0; i < config.Rules.Count; i++)
        {
            var entity = new RuleEntity { Id = config.Rules[i].Id, Position = i, Version = 1 };
            entity.CopyFrom(config.Rules[i]);
            db.Rules.Add(entity);
        }
        var settings = await db.Settings.OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
        if (settings is null)
        {
            db.Settings.Add(new SettingsEntity { Settings = config.Settings, Version = 1 });
        }
        else
        {
            settings.Settings = config.Settings;
            settings.Version++;
        }
    }

    private static async Task<ConfigSnapshot> LoadCurrentAsync(ApplianceDbContext db, CancellationToken ct)
    {
        var running = await db.Revisions.AsNoTracking()
            .Where(r => r.Status == RevisionStatus.Pending || r.Status == RevisionStatus.Applied || r.Status == RevisionStatus.Confirmed)
            .OrderByDescending(r => r.Id)
            .FirstOrDefaultAsync(ct);
        return running is null
            ? ConfigSnapshot.None
            : new ConfigSnapshot(running.Id, ConfigJson.Deserialize(running.ConfigJson), running.CreatedAt);
    }

    private void Audit(ApplianceDbContext db, ChangeContext who, string action, string target, string details) =>
        AuditLog.Add(db, time.GetUtcNow(), who, action, target, details);

    /// <summary>Reads what runs after this change; it becomes <see cref="Current"/> once the change commits.</summary>
    private async Task<ConfigSnapshot> RefreshCurrentAsync(ApplianceDbContext db, CancellationToken ct)
    {
        var next = await LoadCurrentAsync(db, ct);
        _afterCommit.Add(() => Publish(next));
        return next;
    }

    private void Publish(ConfigSnapshot next)
    {
        var previous = _current;
        _current = next;
        if (next.RevisionId == previous.RevisionId)
        {
            return;
        }
        _subscribers.Notify(next, ex => LogSubscriberFailed(logger, ex));
    }

    private static bool IsEmpty(ApplianceConfig config) =>
        ConfigJson.Serialize(config) == ConfigJson.Serialize(ApplianceConfig.Empty);

    private static void CheckVersion(long stored, long? expected, string what)
    {
        if (expected is { } e && e != stored)
        {
            throw new ConfigVersionMismatchException($"{what} is at version {stored}, not {e}; reload it and try again.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration store loaded; running revision {RevisionId}")]
    private static partial void LogLoaded(ILogger logger, long revisionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A configuration change subscriber failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}
