using Appliance.Data.Entities;
using Appliance.Engine.Status;
using Appliance.Engine.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store;

/// <summary>
/// The link history: served from memory (<see cref="LinkHistoryBuffer"/>), written to SQLite in batches so it survives
/// a restart, and pruned to its retention in both places.
/// </summary>
public sealed class LinkHistoryStore(IDbContextFactory<ApplianceDbContext> dbFactory, TimeProvider time) : ILinkHistory, IDisposable
{
    /// <summary>Rows waiting for the database; beyond this (a database that keeps failing) the oldest are dropped.</summary>
    public const int MaxPending = 20_000;

    private const int SecondResolution = 1;
    private const int MinuteResolution = 60;

    private readonly LinkHistoryBuffer _buffer = new();
    private readonly Lock _pendingLock = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private List<LinkSampleEntity> _pending = [];
    private volatile bool _mayHoldRows;

    public IReadOnlyList<string> Wans => _buffer.Wans;

    public Task<IReadOnlyList<LinkSample>> QueryAsync(string wan, DateTimeOffset since, CancellationToken ct = default) =>
        Task.FromResult(_buffer.Query(wan, since));

    /// <summary>Loads what the database still holds within the retention (called once the database is migrated).</summary>
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var secondsSince = now - LinkHistoryRetention.Seconds;
        var minutesSince = now - LinkHistoryRetention.Minutes;
        var rows = await db.LinkSamples.AsNoTracking()
            .Where(s => (s.Seconds == SecondResolution && s.At >= secondsSince) || (s.Seconds == MinuteResolution && s.At >= minutesSince))
            .ToListAsync(ct);
        _mayHoldRows = rows.Count > 0 || await db.LinkSamples.AnyAsync(ct);
        foreach (var wan in rows.GroupBy(r => r.Wan, StringComparer.Ordinal))
        {
            _buffer.Load(wan.Key,
                wan.Where(r => r.Seconds == SecondResolution).Select(ToSample),
                wan.Where(r => r.Seconds == MinuteResolution).Select(ToSample));
        }
    }

    /// <summary>Adds one second of every WAN's live status; it reaches the database with the next <see cref="FlushAsync"/>.</summary>
    public void Record(DateTimeOffset at, IReadOnlyList<WanStatus> wans)
    {
        var rows = new List<LinkSampleEntity>(wans.Count + 1);
        foreach (var wan in wans)
        {
            var sample = new LinkSample(at, wan.State, wan.RttMs, wan.JitterMs, wan.LossPercent,
                wan.RxBitsPerSecond ?? 0, wan.TxBitsPerSecond ?? 0, wan.Sessions, wan.Subflows);
            if (_buffer.Add(wan.Name, sample) is { } minute)
            {
                rows.Add(ToEntity(wan.Name, minute, MinuteResolution));
            }
            rows.Add(ToEntity(wan.Name, sample with { At = LinkHistoryRetention.StartOfSecond(at) }, SecondResolution));
        }
        Enqueue(rows);
    }

    private volatile bool _closed;

    /// <summary>
    /// Called by the container when the host is disposed: later flushes do nothing, and a flush already writing is
    /// waited out, so once this returns nothing touches the database. Bounded: a stuck disk must not hang shutdown.
    /// </summary>
    public void Dispose()
    {
        _closed = true;
        if (_writeLock.Wait(TimeSpan.FromSeconds(5)))
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes the waiting rows in one transaction and deletes rows past their retention.</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        // Once the host has let go of the store, its database may be gone (a test's data directory, a shutdown):
        // a late flush from a recorder still stopping must not create or touch the file again.
        if (_closed)
        {
            return;
        }
        var now = time.GetUtcNow();
        Enqueue(_buffer.Prune(now).Select(m => ToEntity(m.Wan, m.Minute, MinuteResolution)).ToList());
        await _writeLock.WaitAsync(ct);
        try
        {
            // Closed while this flush waited for the one before it.
            if (_closed)
            {
                return;
            }
            List<LinkSampleEntity> batch;
            lock (_pendingLock)
            {
                (batch, _pending) = (_pending, []);
            }
            // Nothing sampled and nothing left to prune (an appliance whose engine does not run): leave the file alone.
            if (batch.Count == 0 && !_mayHoldRows)
            {
                return;
            }
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                if (batch.Count > 0)
                {
                    db.LinkSamples.AddRange(batch);
                    await db.SaveChangesAsync(ct);
                }
                var secondsCutoff = now - LinkHistoryRetention.Seconds;
                var minutesCutoff = now - LinkHistoryRetention.Minutes;
                await db.LinkSamples.Where(s => s.Seconds == SecondResolution && s.At < secondsCutoff).ExecuteDeleteAsync(ct);
                await db.LinkSamples.Where(s => s.Seconds != SecondResolution && s.At < minutesCutoff).ExecuteDeleteAsync(ct);
                _mayHoldRows = batch.Count > 0 || await db.LinkSamples.AnyAsync(ct);
            }
            catch
            {
                // Kept for the next flush (new rows' ids are reset so they insert again); the bound still holds.
                batch.ForEach(r => r.Id = 0);
                lock (_pendingLock)
                {
                    _pending = [.. batch, .. _pending];
                    Bound();
                }
                throw;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void Enqueue(List<LinkSampleEntity> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }
        lock (_pendingLock)
        {
            _pending.AddRange(rows);
            Bound();
        }
    }

    private void Bound()
    {
        if (_pending.Count > MaxPending)
        {
            _pending.RemoveRange(0, _pending.Count - MaxPending);
        }
    }

    private static LinkSampleEntity ToEntity(string wan, LinkSample s, int seconds) => new()
    {
        Wan = wan, At = s.At, Seconds = seconds, State = s.State, RttMs = s.RttMs, JitterMs = s.JitterMs, LossPercent = s.LossPercent,
        RxBitsPerSecond = s.RxBitsPerSecond, TxBitsPerSecond = s.TxBitsPerSecond, Sessions = s.Sessions, Subflows = s.Subflows,
    };

    private static LinkSample ToSample(LinkSampleEntity e) =>
        new(e.At, e.State, e.RttMs, e.JitterMs, e.LossPercent, e.RxBitsPerSecond, e.TxBitsPerSecond, e.Sessions, e.Subflows);
}
