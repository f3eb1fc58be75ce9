using System.Globalization;
using Appliance.Engine.Status;

namespace Appliance.Engine.Supervision;

/// <summary>
/// What one supervised loop tells the <see cref="LoopMonitor"/>: a pass began, a pass went well, a pass failed and when it
/// is tried again. Dispose it when the loop ends for good.
/// </summary>
public sealed class LoopHandle : IDisposable
{
    private readonly LoopMonitor _monitor;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _since;
    private bool _busy;
    private TimeSpan _retryIn;
    private int _failures;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private DateTimeOffset? _retryAt;
    private DateTimeOffset? _lastPass;
    private string _subject;

    internal LoopHandle(LoopMonitor monitor, TimeProvider time, string name, LoopStall? stall)
    {
        _monitor = monitor;
        _time = time;
        Name = name;
        Stall = stall;
        _subject = name;
        _since = time.GetTimestamp();
    }

    public string Name { get; }

    /// <summary>When this loop counts as stalled; null for a loop the watchdog does not watch.</summary>
    public LoopStall? Stall { get; }

    /// <summary>What the loop is about in status messages ("revert of revision 7 pending"); its name unless set.</summary>
    public string Subject
    {
        get { lock (_lock) { return _subject; } }
        set { lock (_lock) { _subject = value; } }
    }

    /// <summary>Failures in a row since the last pass that went well.</summary>
    public int Failures
    {
        get { lock (_lock) { return _failures; } }
    }

    /// <summary>A pass begins: from now on it is stalled once it stays busy longer than <see cref="LoopStall.PassLimit"/>.</summary>
    public void Busy()
    {
        lock (_lock)
        {
            _busy = true;
            _since = _time.GetTimestamp();
        }
    }

    /// <summary>A pass went well: the failures in a row are over.</summary>
    public void Done()
    {
        lock (_lock)
        {
            _busy = false;
            _since = _time.GetTimestamp();
            _retryIn = TimeSpan.Zero;
            _failures = 0;
            _retryAt = null;
            _lastPass = _time.GetUtcNow();
        }
    }

    /// <summary>A pass failed; the next attempt comes after <paramref name="retryIn"/>.</summary>
    public void Failed(Exception error, TimeSpan retryIn)
    {
        lock (_lock)
        {
            _busy = false;
            _since = _time.GetTimestamp();
            _retryIn = retryIn;
            _failures++;
            _lastError = Describe(error);
            _lastErrorAt = _time.GetUtcNow();
            _retryAt = _lastErrorAt + retryIn;
        }
    }

    public void Dispose() => _monitor.Remove(this);

    internal LoopStatus Read()
    {
        lock (_lock)
        {
            var silent = _time.GetElapsedTime(_since);
            var stalled = Stall?.Allowance(_busy, _retryIn) is { } allowance && silent > allowance;
            var (state, message) = stalled
                ? (LoopStates.Stalled, _busy
                    ? $"{_subject}: stalled, busy in one pass for {Seconds(silent)}"
                    : $"{_subject}: stalled, no pass for {Seconds(silent)}")
                : _failures > 0
                    ? (LoopStates.Retrying, $"{_subject}: retrying {RetryText()} (last error: {_lastError})")
                    : (LoopStates.Running, null);
            return new LoopStatus(Name, state, message, _failures, _lastError, _lastErrorAt, _failures > 0 ? _retryAt : null, _lastPass);
        }
    }

    private string RetryText()
    {
        if (_busy)
        {
            return "now";
        }
        var left = _retryAt - _time.GetUtcNow();
        return left > TimeSpan.Zero ? $"in {Seconds(left.Value)}" : "now";
    }

    // The type says more than many messages do ("A task was canceled." is a timeout here).
    private static string Describe(Exception error) => $"{error.GetType().Name}: {error.Message}";

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(span.TotalSeconds):0} s");
}
