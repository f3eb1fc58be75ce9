using Appliance.Data.Entities;
using Appliance.Engine;
using Appliance.Engine.Health;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Data.Store;

/// <summary>Keeps WAN state changes in the database, at most <see cref="MaxEvents"/> of them, and tells live listeners.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its SemaphoreSlim is used only as an async lock (WaitAsync/Release); without a wait handle it holds nothing to free.")]
public sealed partial class HealthEventStore : IHealthEventSink
{
    /// <summary>A flapping link must not fill the disk: older events are dropped beyond this.</summary>
    public const int MaxEvents = 10_000;

    private readonly IDbContextFactory<ApplianceDbContext> _dbFactory;
    private readonly int _maxEvents;
    private readonly ILogger _logger;

    public HealthEventStore(IDbContextFactory<ApplianceDbContext> dbFactory, ILogger<HealthEventStore>? logger = null)
        : this(dbFactory, MaxEvents, logger)
    {
    }

    internal HealthEventStore(IDbContextFactory<ApplianceDbContext> dbFactory, int maxEvents, ILogger<HealthEventStore>? logger = null)
    {
        _dbFactory = dbFactory;
        _maxEvents = maxEvents;
        _logger = logger ?? NullLogger<HealthEventStore>.Instance;
    }

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ListenerSet<HealthEvent> _listeners = new();
    private int _sinceTrim;

    public async Task RecordAsync(HealthEvent healthEvent, CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync(ct);
            db.HealthEvents.Add(new HealthEventEntity
            {
                Time = healthEvent.Time,
                Wan = healthEvent.Wan,
                From = Name(healthEvent.From),
                To = Name(healthEvent.To),
                Reason = healthEvent.Reason.Length > 500 ? healthEvent.Reason[..500] : healthEvent.Reason,
            });
            await db.SaveChangesAsync(ct);
            // Trimming now and then keeps inserts cheap; the table overshoots the bound by at most 100 rows.
            if (++_sinceTrim >= Math.Min(100, _maxEvents))
            {
                _sinceTrim = 0;
                var cutoff = await db.HealthEvents.OrderByDescending(e => e.Id).Skip(_maxEvents).Select(e => (long?)e.Id).FirstOrDefaultAsync(ct);
                if (cutoff is { } id)
                {
                    await db.HealthEvents.Where(e => e.Id <= id).ExecuteDeleteAsync(ct);
                }
            }
        }
        finally
        {
            _writeLock.Release();
        }
        // The event is stored already: a listener's failure is logged, not turned into a failed record.
        _listeners.Notify(healthEvent, ex => LogListenerFailed(_logger, ex));
    }

    /// <summary>Newest first, optionally for one WAN.</summary>
    public async Task<IReadOnlyList<HealthEvent>> ListAsync(string? wan, int limit, CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var query = db.HealthEvents.AsNoTracking();
        if (wan is not null)
        {
            query = query.Where(e => e.Wan == wan);
        }
        var rows = await query.OrderByDescending(e => e.Id).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(ct);
        return rows.Select(e => new HealthEvent(e.Time, e.Wan, Enum.Parse<LinkState>(e.From, true), Enum.Parse<LinkState>(e.To, true), e.Reason)).ToList();
    }

    /// <summary>Called after each recorded event; dispose to stop.</summary>
    public IDisposable Subscribe(Action<HealthEvent> listener) => _listeners.Add(listener);

    private static string Name(LinkState state) => state.ToString().ToLowerInvariant();

    [LoggerMessage(Level = LogLevel.Warning, Message = "A listener of link state changes failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);
}
