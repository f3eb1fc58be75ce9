using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Data.Store;

/// <summary>Samples the engine's live status into the link history once a second and writes it out every <see cref="FlushEvery"/> seconds.</summary>
public sealed partial class LinkHistoryRecorder(
    IEngineStatusSource status, LinkHistoryStore history, DatabaseReadiness database, TimeProvider time, LoopSupervisor supervisor,
    ILogger<LinkHistoryRecorder> logger)
    : BackgroundService
{
    /// <summary>The loop's name in the status and the logs.</summary>
    public const string LoopName = "link history";

    /// <summary>One transaction per batch, not per sample: the flash and the WAL stay quiet.</summary>
    public const int FlushEvery = 10;

    private volatile bool _disposed;

    private int _ticks;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Samples join what the history loaded from the database, so that comes first.
        await database.Ready.WaitAsync(stoppingToken);
        await supervisor.RunAsync(LoopName, RecordLoopAsync, stoppingToken);
    }

    private async Task RecordLoopAsync(LoopHandle loop, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (!_disposed && await timer.WaitForNextTickAsync(stoppingToken))
        {
            loop.Busy();
            var current = status.Current;
            // Without a running engine there are no live figures; a gap in the chart says so better than invented zeros.
            if (current.Running)
            {
                history.Record(time.GetUtcNow(), current.Wans);
            }
            // Counted in ticks, not clock time: a tick the timer skipped must not shorten a batch.
            if (++_ticks % FlushEvery == 0)
            {
                await FlushAsync(stoppingToken);
            }
            loop.Done();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // What was sampled since the last batch is kept too.
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        try
        {
            await history.FlushAsync(ct);
        }
        catch (ObjectDisposedException)
        {
            // The host is gone (disposed without being stopped): there is nowhere left to write to.
            _disposed = true;
        }
        catch (Exception ex) when (ex is DbUpdateException or SqliteException or InvalidOperationException or IOException)
        {
            LogFlushFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the link history failed; the samples are kept for the next attempt")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
