using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store.Security;

/// <summary>
/// Audits failed sign-ins so that a flood leaves one entry per source instead of one per try: failures from one
/// source (an address, or an IPv6 /64) for one user name, or for any unknown name, within a window share one entry
/// whose count goes up. The window runs from the entry's first failure, so a long flood still leaves a trace per window.
/// </summary>
/// <remarks>Not thread-safe: the account store calls it under its write lock.</remarks>
internal sealed class SignInFailureLog(TimeSpan window)
{
    public const string Action = "login.failure";
    // Enough for every source of a large flood; past it, open windows are forgotten and their next failure starts a new entry.
    private const int MaxOpen = 10_000;
    private readonly Dictionary<(string Partition, string Target), (long Id, DateTimeOffset Until)> _open = [];

    /// <summary>Adds the failure to the source's open entry for <paramref name="target"/>, or starts one, in <paramref name="db"/>'s transaction.</summary>
    public async Task RecordAsync(ApplianceDbContext db, DateTimeOffset now, ChangeContext who, string target, string details, CancellationToken ct)
    {
        var partition = ClientPartition.Of(who.Source);
        var key = (partition, target);
        if (_open.TryGetValue(key, out var open) && open.Until > now)
        {
            var source = who.Source;
            // Another address of the same /64: the entry speaks for the prefix from now on.
            var updated = await db.AuditEntries.Where(a => a.Id == open.Id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Count, a => a.Count + 1)
                .SetProperty(a => a.LastAt, now)
                .SetProperty(a => a.Details, details)
                .SetProperty(a => a.Source, a => a.Source == source ? source : partition), ct);
            if (updated == 1)
            {
                return;
            }
            // Pruned meanwhile: start a new entry.
        }
        var entry = AuditLog.Add(db, now, who, Action, target, details);
        await db.SaveChangesAsync(ct);
        if (_open.Count >= MaxOpen)
        {
            Forget(now);
        }
        _open[key] = (entry.Id, now + window);
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, _) in _open.Where(o => o.Value.Until <= now).ToList())
        {
            _open.Remove(key);
        }
        if (_open.Count >= MaxOpen)
        {
            _open.Clear();
        }
    }
}
