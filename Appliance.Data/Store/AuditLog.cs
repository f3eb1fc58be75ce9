using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store;

/// <summary>The SQLite-backed <see cref="IAuditLog"/>.</summary>
public sealed class AuditLog(IDbContextFactory<ApplianceDbContext> dbFactory, TimeProvider time) : IAuditLog
{
    /// <summary>Most entries one listing returns.</summary>
    public const int MaxListed = 10_000;

    /// <summary>Adds an audit entry to a unit of work, so it commits (or not) with the change it records.</summary>
    internal static AuditEntryEntity Add(ApplianceDbContext db, DateTimeOffset at, ChangeContext who, string action, string target, string details)
    {
        var entry = new AuditEntryEntity
        {
            Time = at, Actor = who.Actor, Source = who.Source, Action = action, Target = target, Details = details,
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    public Task<IReadOnlyList<AuditEntry>> ListAsync(int limit = 200, CancellationToken ct = default) =>
        ListAsync(new AuditQuery(Limit: limit), ct);

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken ct = default)
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
        var list = await rows.OrderByDescending(a => a.Id).Take(Math.Clamp(query.Limit, 1, MaxListed)).ToListAsync(ct);
        return list.Select(AuditEntry.From).ToList();
    }

    public async Task RecordAsync(ChangeContext who, string action, string target, string details, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        Add(db, time.GetUtcNow(), who, action, target, details);
        await db.SaveChangesAsync(ct);
    }
}
