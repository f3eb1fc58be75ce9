using Appliance.Engine.Status;

namespace Appliance.Web.Live;

/// <summary>
/// In-process twin of the status hub for the UI's components: they subscribe, get every update the
/// hub's clients get, and never poll. A subscription is disposed with the component.
/// </summary>
public sealed class LiveStatusFeed
{
    private readonly Lock _lock = new();
    private Action<LiveUpdate>[] _listeners = [];

    /// <summary>The last snapshot sent, so a page opened between ticks renders at once.</summary>
    public EngineStatus? Latest { get; private set; }

    public IDisposable Subscribe(Action<LiveUpdate> listener)
    {
        lock (_lock)
        {
            _listeners = [.. _listeners, listener];
        }
        return new Subscription(this, listener);
    }

    /// <summary>Hands an update to every listener; one listener's failure does not keep it from the others.</summary>
    public void Publish(LiveUpdate update)
    {
        if (update is SnapshotUpdate snapshot)
        {
            Latest = snapshot.Status;
        }
        List<Exception>? failures = null;
        foreach (var listener in _listeners)
        {
            try
            {
                listener(update);
            }
            catch (Exception ex)
            {
                (failures ??= []).Add(ex);
            }
        }
        if (failures is not null)
        {
            throw new AggregateException("A live status listener failed", failures);
        }
    }

    private sealed class Subscription(LiveStatusFeed feed, Action<LiveUpdate> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (feed._lock)
            {
                feed._listeners = feed._listeners.Where(l => l != listener).ToArray();
            }
        }
    }
}
