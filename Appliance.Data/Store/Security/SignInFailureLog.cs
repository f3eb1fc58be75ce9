using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store.Security;

/// <summary>
/// Audits failed sign-ins so that a flood leaves one entry per source instead of one per try: failures from one
/// source (an address, or an IPv6 /64) for one user name, or for any unknown name, within a window share one entry
/// whose count goes up. The window runs from the entry's first failure, so a long flood still leaves a trace per
/// window. Failures are counted here, under a lock held for microseconds, and written together by
/// <see cref="FlushAsync"/> a moment later: a flood costs the database one write a second, not one per try, and a
/// valid sign-in's own write never queues behind it.
/// </summary>
internal sealed class SignInFailureLog(TimeSpan window)
{
    public const string Action = "login.failure";
    // Enough for every source of a large flood; past it, entries with nothing to write are forgotten, closed ones first.
    private const int MaxOpen = 10_000;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Partition, string Target), OpenEntry> _open = [];
    // Windows that closed with counts not yet written; the next flush writes and drops them.
    private readonly List<OpenEntry> _closed = [];
    private int _pending;

    /// <summary>Whether failures wait to be written.</summary>
    public bool HasPending
    {
        get
        {
            lock (_lock)
            {
                return _pending > 0;
            }
        }
    }

    /// <summary>Counts the failure in the source's open entry for <paramref name="target"/>, opening one if its window is closed.</summary>
    public void Record(DateTimeOffset now, ChangeContext who, string target, string details)
    {
        var partition = ClientPartition.Of(who.Source);
        lock (_lock)
        {
            if (!_open.TryGetValue((partition, target), out var open) || open.Until <= now)
            {
                if (open is { Pending: > 0 })
                {
                    _closed.Add(open);
                }
                if (_open.Count >= MaxOpen)
                {
                    Forget(now);
                }
                open = new OpenEntry(now, now + window, who, target);
                _open[(partition, target)] = open;
            }
            else if (open.Source != who.Source)
            {
                // Another address of the same /64: the entry speaks for the prefix from now on.
                open.Source = partition;
            }
            open.Pending++;
            _pending++;
            open.LastAt = now;
            open.Details = details;
        }
    }

    /// <summary>Writes every failure still waiting, in <paramref name="db"/>'s unit of work, and forgets closed windows.</summary>
    public async Task FlushAsync(ApplianceDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        List<Pending> pending;
        lock (_lock)
        {
            pending = [];
            foreach (var open in _closed.Concat(_open.Values).Where(o => o.Pending > 0))
            {
                pending.Add(new Pending(open, open.Id, open.Pending, open.LastAt!.Value, open.Details!, open.Source));
                _pending -= open.Pending;
                open.Pending = 0;
            }
            Forget(now);
        }
        try
        {
            await WriteAsync(db, pending, ct);
        }
        catch
        {
            // Nothing was written: the counts wait for the next flush.
            lock (_lock)
            {
                foreach (var p in pending)
                {
                    p.Entry.Pending += p.Count;
                    _pending += p.Count;
                }
            }
            throw;
        }
    }

    private async Task WriteAsync(ApplianceDbContext db, List<Pending> pending, CancellationToken ct)
    {
        var added = new List<(OpenEntry Entry, Entities.AuditEntryEntity Row)>();
        foreach (var p in pending)
        {
            var updated = p.Id is { } id
                ? await db.AuditEntries.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.Count, a => a.Count + p.Count)
                    .SetProperty(a => a.LastAt, p.LastAt)
                    .SetProperty(a => a.Details, p.Details)
                    .SetProperty(a => a.Source, p.Source), ct)
                : 0;
            if (updated == 0)
            {
                // A new window, or one whose entry was pruned meanwhile: an entry of its own.
                var first = p.Id is null ? p.Entry.Since : p.LastAt;
                var row = AuditLog.Add(db, first, p.Entry.Who with { Source = p.Source }, Action, p.Entry.Target, p.Details);
                row.Count = p.Count;
                row.LastAt = p.Count > 1 ? p.LastAt : null;
                added.Add((p.Entry, row));
            }
        }
        await db.SaveChangesAsync(ct);
        lock (_lock)
        {
            foreach (var (entry, row) in added)
            {
                entry.Id = row.Id;
            }
            _closed.RemoveAll(c => c.Pending == 0);
        }
    }

    // Under _lock.
    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, _) in _open.Where(o => o.Value.Pending == 0 && o.Value.Until <= now).ToList())
        {
            _open.Remove(key);
        }
        if (_open.Count >= MaxOpen)
        {
            foreach (var (key, _) in _open.Where(o => o.Value.Pending == 0).ToList())
            {
                _open.Remove(key);
            }
        }
    }

    private sealed record Pending(OpenEntry Entry, long? Id, int Count, DateTimeOffset LastAt, string Details, string Source);

    private sealed class OpenEntry(DateTimeOffset since, DateTimeOffset until, ChangeContext who, string target)
    {
        /// <summary>The entry's row, once written.</summary>
        public long? Id { get; set; }
        public DateTimeOffset Since { get; } = since;
        public DateTimeOffset Until { get; } = until;
        public ChangeContext Who { get; } = who;
        public string Target { get; } = target;
        public string Source { get; set; } = who.Source;
        public int Pending { get; set; }
        public DateTimeOffset? LastAt { get; set; }
        public string? Details { get; set; }
    }
}
