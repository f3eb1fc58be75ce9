using Appliance.Engine.Status;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Data.Store;

/// <summary>Samples the engine's live status into the link history once a second and writes it out every <see cref="FlushEvery"/> seconds.</summary>
public sealed partial class LinkHistoryRecorder(
    IEngineStatusSource status, LinkHistoryStore history, TimeProvider time, ILogger<LinkHistoryRecorder> logger) : BackgroundService
{
    /// <summary>One transaction per batch, not per sample: the flash and the WAL stay quiet.</summary>
    public const int FlushEvery = 10;

    private volatile bool _disposed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        var ticks = 0;
        while (!_disposed && await timer.WaitForNextTickAsync(stoppingToken))
        {
            var current = status.Current;
            // Without a running engine there are no live figures; a gap in the chart says so better than invented zeros.
            if (current.Running)
            {
                history.Record(time.GetUtcNow(), current.Wans);
            }
            // Counted in ticks, not clock time: a tick the timer skipped must not shorten a batch.
            if (++ticks % FlushEvery == 0)
            {
                await FlushAsync(stoppingToken);
            }
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
        catch (Exception ex) when (ex is DbUpdateException or SqliteException or InvalidOperationException)
        {
            LogFlushFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the link history failed; the samples are kept for the next attempt")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
