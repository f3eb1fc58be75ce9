namespace Appliance.Web.Components.Network;

/// <summary>
/// Reads live state for a page on the appliance's clock: at once, then every period, never two reads at a time, and
/// each read cancelled after a limit so a stuck reader cannot pile up work. Dispose it with the component.
/// </summary>
public sealed class PeriodicRead : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _limit;
    private readonly Func<CancellationToken, Task> _read;
    private readonly ITimer _timer;
    private int _running;
    private bool _disposed;

    private PeriodicRead(TimeProvider time, TimeSpan period, TimeSpan limit, Func<CancellationToken, Task> read)
    {
        (_time, _limit, _read) = (time, limit, read);
        _timer = time.CreateTimer(_ => _ = RunAsync(), null, period, period);
    }

    /// <summary>Starts the timer; the first read is the caller's (it awaits it while the page initialises).</summary>
    public static PeriodicRead Start(TimeProvider time, TimeSpan period, TimeSpan limit, Func<CancellationToken, Task> read) =>
        new(time, period, limit, read);

    private async Task RunAsync()
    {
        if (_disposed || Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }
        try
        {
            using var cts = new CancellationTokenSource(_limit, _time);
            await _read(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Too slow this time; the next period tries again.
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
    }
}
