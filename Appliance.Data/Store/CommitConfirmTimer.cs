using Appliance.Engine.Supervision;
using Microsoft.Extensions.Logging;

namespace Appliance.Data.Store;

/// <summary>
/// The commit-confirm countdown of the revision waiting for confirmation. When it runs out it calls the revert it was
/// made with; until that revert lands (a busy or full database) it tries again and again, 1 s doubling to 1 min apart,
/// because the unconfirmed revision is typically the one that cut the admin off. The status shows it meanwhile.
/// </summary>
public sealed partial class CommitConfirmTimer(
    Func<RevertAttempt, Task> revert, TimeProvider time, LoopMonitor loops, ILogger<CommitConfirmTimer> logger) : IDisposable
{
    /// <summary>The name under which a revert that keeps failing appears among the status's loops.</summary>
    public const string LoopName = "commit-confirm revert";

    // The timer, and while a revert keeps failing its retry and the report of it in the status.
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private LoopHandle? _retry;
    private bool _disposed;

    /// <summary>Reverts once <paramref name="deadline"/> has passed (at once when it has already).</summary>
    public void Start(DateTimeOffset deadline)
    {
        var due = deadline - time.GetUtcNow();
        lock (_lock)
        {
            ScheduleLocked(due < TimeSpan.Zero ? TimeSpan.Zero : due);
        }
    }

    /// <summary>Nothing waits for confirmation any more: no revert, and no retry of one.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            EndRetryLocked();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }
        Stop();
    }

    private void ScheduleLocked(TimeSpan due)
    {
        _timer?.Dispose();
        _timer = time.CreateTimer(_ => _ = RevertAsync(), null, due, Timeout.InfiniteTimeSpan);
    }

    private async Task RevertAsync()
    {
        var attempt = new RevertAttempt();
        try
        {
            await revert(attempt);
            if (attempt.NotBefore is { } deadline)
            {
                Start(deadline);
                return;
            }
            // Reverted, or nothing is waiting any more (confirmed or rolled back meanwhile).
            lock (_lock)
            {
                EndRetryLocked();
            }
        }
        catch (Exception ex)
        {
            RetryLater(attempt.RevisionId, ex);
        }
    }

    private void RetryLater(long? revisionId, Exception error)
    {
        TimeSpan pause;
        lock (_lock)
        {
            if (_disposed)
            {
                // Shut down mid-attempt: the next start finds the revision still pending and reverts it then.
                return;
            }
            var retry = _retry ??= loops.Register(LoopName);
            retry.Subject = revisionId is { } id ? $"revert of revision {id} pending" : "revert of the unconfirmed revision pending";
            pause = Backoff.Default.After(retry.Failures + 1);
            // Due before it is reported: whoever reads the report can count on the attempt it announces.
            ScheduleLocked(pause);
            retry.Failed(error, pause);
        }
        LogRevertFailed(logger, revisionId ?? 0, pause, error);
    }

    private void EndRetryLocked()
    {
        _retry?.Dispose();
        _retry = null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reverting unconfirmed revision {RevisionId} failed; trying again in {Pause}")]
    private static partial void LogRevertFailed(ILogger logger, long revisionId, TimeSpan pause, Exception exception);
}

/// <summary>What one revert attempt found, for the timer to act on.</summary>
public sealed class RevertAttempt
{
    /// <summary>The revision being reverted, once known (named in the status while a revert keeps failing).</summary>
    public long? RevisionId { get; set; }

    /// <summary>Set when the timer fired before the deadline: the revert waits until then.</summary>
    public DateTimeOffset? NotBefore { get; set; }
}
