using Microsoft.Extensions.Logging;

namespace Appliance.Engine.Supervision;

/// <summary>
/// Runs the appliance's long-running loops so that no exception ends one: a failure is logged, reported to the
/// <see cref="LoopMonitor"/>, and the loop starts again after a pause that grows while the failures go on
/// (<see cref="Backoff.Default"/>). Only cancellation on shutdown ends a loop, or the loop returning by itself.
/// </summary>
/// <remarks>
/// Without it an exception escapes <c>ExecuteAsync</c>, and the host's default (StopHost) stops the whole appliance:
/// failover, the UI and the API are gone. A command timing out, a process that cannot start, a listing that does not
/// parse, a full disk: none of those is a reason to stop routing.
/// </remarks>
public sealed partial class LoopSupervisor(LoopMonitor monitor, ILogger<LoopSupervisor> logger, FatalErrors? fatal = null)
{
    /// <summary>The pauses between attempts.</summary>
    public Backoff Backoff { get; init; } = Backoff.Default;

    public LoopMonitor Monitor => monitor;

    /// <summary>
    /// Runs <paramref name="loop"/> until it returns or <paramref name="ct"/> is cancelled, starting it again
    /// after every failure. The loop reports its passes on the handle (<see cref="LoopHandle.Busy"/>,
    /// <see cref="LoopHandle.Done"/>); a pass that went well resets the pause to its shortest.
    /// </summary>
    /// <param name="stall">For a critical loop: when it counts as stalled (the watchdog then stops pinging).</param>
    public async Task RunAsync(string name, Func<LoopHandle, CancellationToken, Task> loop, CancellationToken ct, LoopStall? stall = null)
    {
        using var handle = monitor.Register(name, stall);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await loop(handle, ct);
                return;
            }
            catch (Exception ex) when (ct.IsCancellationRequested)
            {
                // Shutting down: whatever the loop was doing was cut short on purpose.
                LogEndedOnStop(logger, name, ex);
                return;
            }
            catch (OutOfMemoryException ex) when (fatal is not null)
            {
                fatal.Stop($"Loop {name}", ex);
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var pause = Backoff.After(handle.Failures + 1);
                handle.Failed(ex, pause);
                LogFailed(logger, name, handle.Failures, pause, ex);
                try
                {
                    await Task.Delay(pause, monitor.Time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="pass"/> now and then <paramref name="period"/> after each one ends; after a failed pass
    /// the next one waits for the backoff instead.
    /// </summary>
    public Task RunPeriodicAsync(string name, TimeSpan period, Func<CancellationToken, Task> pass, CancellationToken ct, LoopStall? stall = null) =>
        RunAsync(name, async (handle, ct) =>
        {
            while (true)
            {
                handle.Busy();
                await pass(ct);
                handle.Done();
                await Task.Delay(period, monitor.Time, ct);
            }
        }, ct, stall);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loop {Loop} failed ({Failures} in a row); it starts again in {Pause}")]
    private static partial void LogFailed(ILogger logger, string loop, int failures, TimeSpan pause, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Loop {Loop} ended on shutdown")]
    private static partial void LogEndedOnStop(ILogger logger, string loop, Exception exception);
}
