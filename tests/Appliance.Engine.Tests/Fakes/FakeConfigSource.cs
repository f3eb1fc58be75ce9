using Appliance.Engine.Configuration;

namespace Appliance.Engine.Tests.Fakes;

/// <summary>Behaves like the revision log: a failed revision is dropped and the previous one runs again.</summary>
internal sealed class FakeConfigSource(ConfigSnapshot initial) : IRunningConfigSource
{
    private readonly Lock _lock = new();
    private readonly Stack<ConfigSnapshot> _history = new([initial]);
    private readonly Queue<Exception> _markFailedFaults = new();
    private readonly List<(long RevisionId, string Error)> _failed = [];
    private readonly ListenerSet<ConfigSnapshot> _subscribers = new();

    /// <summary>Loaded at once unless a test holds it back, as a database still migrating does.</summary>
    public Task Ready { get; set; } = Task.CompletedTask;

    public ConfigSnapshot Current
    {
        get { lock (_lock) { return _history.Peek(); } }
    }

    public IReadOnlyList<(long RevisionId, string Error)> Failed
    {
        get { lock (_lock) { return [.. _failed]; } }
    }

    /// <summary>Verdicts the store failed to record, as a busy or full database does.</summary>
    public int MarkFailedAttempts { get; private set; }

    /// <summary>The next call of <see cref="MarkFailedAsync"/> throws <paramref name="fault"/> (queued, once each).</summary>
    public void FailNextMarkFailed(Exception fault)
    {
        lock (_lock)
        {
            _markFailedFaults.Enqueue(fault);
        }
    }

    public void Publish(ConfigSnapshot snapshot)
    {
        lock (_lock)
        {
            _history.Push(snapshot);
        }
        _subscribers.Notify(snapshot, _ => { });
    }

    public IDisposable Subscribe(Action<ConfigSnapshot> onChanged) => _subscribers.Add(onChanged);

    public Task MarkFailedAsync(long revisionId, string error, CancellationToken ct = default)
    {
        ConfigSnapshot current;
        lock (_lock)
        {
            MarkFailedAttempts++;
            if (_markFailedFaults.TryDequeue(out var fault))
            {
                return Task.FromException(fault);
            }
            _failed.Add((revisionId, error));
            _history.Pop();
            current = _history.Peek();
        }
        _subscribers.Notify(current, _ => { });
        return Task.CompletedTask;
    }
}
