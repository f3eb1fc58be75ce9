using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Data.Store;

/// <summary>
/// Keeps the audit trail bounded by age and by count (<see cref="AuditOptions"/>): a pass at start, then every hour,
/// and sooner when enough entries were written to pass the count bound by a margin. The oldest entries go first, and
/// each pass that removes any says so in an <c>audit.pruned</c> entry.
/// </summary>
public sealed partial class AuditRetention(
    IDbContextFactory<ApplianceDbContext> dbFactory,
    AuditGrowth growth,
    DatabaseReadiness database,
    TimeProvider time,
    IOptions<AuditOptions> options,
    ILogger<AuditRetention> logger) : BackgroundService
{
    public const string PrunedAction = "audit.pruned";
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Raised after every pass (for tests and logs): how many entries went.</summary>
    public event Action<AuditPruneResult>? Pruned;

    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the pass at start has ended (whatever it removed), so a caller's own pass cannot race it.</summary>
    public Task FirstPass => _firstPass.Task;

    private int MaxEntries => Math.Max(1, options.Value.MaxEntries);

    // Pruning to exactly the bound after every few writes would rewrite the table constantly; let it overshoot a little.
    private int Margin => Math.Max(100, MaxEntries / 20);

    /// <summary>Removes entries past the age bound, then the oldest beyond the count bound, and records what went.</summary>
    public async Task<AuditPruneResult> PruneAsync(CancellationToken ct = default)
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        var maxAgeDays = Math.Max(1, options.Value.MaxAgeDays);
        var cutoff = now.AddDays(-maxAgeDays);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Room for the entry that records this pass: the trail ends at the bound, not one past it.
        var keep = MaxEntries - 1;
        var before = await db.AuditEntries.CountAsync(ct);
        if (before <= keep && !await db.AuditEntries.AnyAsync(a => a.Time < cutoff, ct))
        {
            // Nothing to remove: no write at all.
            var untouched = new AuditPruneResult(0, 0, before);
            Pruned?.Invoke(untouched);
            return untouched;
        }
        // One write transaction (SQLite's BEGIN IMMEDIATE): entries written meanwhile wait, so the count, the cut and
        // the figure reported are of the same trail. Without it an entry written between the count and the cut moved
        // the cut, and the pass removed more than it counted.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var byAge = await db.AuditEntries.Where(a => a.Time < cutoff).ExecuteDeleteAsync(ct);

        var byCount = 0;
        var count = await db.AuditEntries.CountAsync(ct);
        if (count > keep)
        {
            var newestGone = await db.AuditEntries.OrderByDescending(a => a.Id).Skip(keep).Select(a => a.Id).FirstAsync(ct);
            byCount = await db.AuditEntries.Where(a => a.Id <= newestGone).ExecuteDeleteAsync(ct);
        }
        var result = new AuditPruneResult(byAge, byCount, count + (byAge + byCount > 0 ? 1 : 0) - byCount);
        if (byAge + byCount > 0)
        {
            var reasons = new List<string>();
            if (byAge > 0)
            {
                reasons.Add($"{byAge} older than {maxAgeDays} days");
            }
            if (byCount > 0)
            {
                reasons.Add($"{byCount} oldest beyond the bound of {MaxEntries} entries");
            }
            AuditLog.Add(db, now, ChangeContext.System, PrunedAction, "audit trail", $"{byAge + byCount} entries removed: {string.Join("; ", reasons)}");
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        if (byAge + byCount > 0)
        {
            LogPruned(logger, byAge, byCount, result.Remaining);
        }
        Pruned?.Invoke(result);
        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass runs on the migrated database.
        await database.Ready.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            // Scheduled before the pass starts, so the hour counts from the pass's start and the timer is set by the
            // time the host has started.
            var scheduled = Task.Delay(Interval, time, wake.Token);
            // Entries written while the pass counts may be counted twice below: an early pass, never a missed one.
            var mark = growth.Added;
            var remaining = 0;
            try
            {
                remaining = (await PruneAsync(stoppingToken)).Remaining;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A busy or full disk must not end the retention for good: the next pass tries again.
                LogFailed(logger, ex);
            }
            catch (OperationCanceledException)
            {
                _firstPass.TrySetCanceled(stoppingToken);
                return;
            }
            _firstPass.TrySetResult();
            var grown = growth.WhenAdded(mark, MaxEntries + Margin - remaining);
            await Task.WhenAny(grown, scheduled);
            await wake.CancelAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit trail pruned: {ByAge} entries past the age bound, {ByCount} beyond the count bound; {Remaining} remain")]
    private static partial void LogPruned(ILogger logger, int byAge, int byCount, int remaining);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning the audit trail failed; the next pass tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>What a retention pass removed, and how many entries remain (its own <c>audit.pruned</c> entry included).</summary>
public sealed record AuditPruneResult(int ByAge, int ByCount, int Remaining);
