namespace Appliance.Engine;

/// <summary>
/// Listeners that come and go while notifications go out from other threads. Adding and removing swap an
/// immutable array under a lock; notifying reads the array once and takes no lock, so a listener may
/// unsubscribe, or subscribe another, from inside its own call.
/// </summary>
/// <remarks>
/// Every listener hears every notification, in the order they subscribed. One that throws does not keep it
/// from the rest: its failure goes to the notifier's handler, because the notifier is some other part's
/// thread (a store's commit, the engine's loop, an install) that must not fail for a listener's fault.
/// </remarks>
public sealed class ListenerSet<T>
{
    private readonly Lock _lock = new();
    private Action<T>[] _listeners = [];

    public int Count => Volatile.Read(ref _listeners).Length;

    /// <summary>Adds a listener until the returned handle is disposed; disposing twice is harmless.</summary>
    public IDisposable Add(Action<T> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_lock)
        {
            _listeners = [.. _listeners, listener];
        }
        return new Subscription(this, listener);
    }

    /// <summary>Hands <paramref name="value"/> to every listener; each failure goes to <paramref name="onFailure"/>.</summary>
    public void Notify(T value, Action<Exception> onFailure)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            try
            {
                listener(value);
            }
            catch (Exception ex)
            {
                onFailure(ex);
            }
        }
    }

    private void Remove(Action<T> listener)
    {
        lock (_lock)
        {
            // Only the first match: the same delegate subscribed twice is two subscriptions.
            var index = Array.IndexOf(_listeners, listener);
            if (index >= 0)
            {
                _listeners = [.. _listeners[..index], .. _listeners[(index + 1)..]];
            }
        }
    }

    private sealed class Subscription(ListenerSet<T> set, Action<T> listener) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                set.Remove(listener);
            }
        }
    }
}

/// <summary>A <see cref="ListenerSet{T}"/> for notifications that carry nothing but the fact.</summary>
public sealed class ListenerSet
{
    private readonly ListenerSet<ValueTuple> _inner = new();

    public int Count => _inner.Count;

    public IDisposable Add(Action listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return _inner.Add(_ => listener());
    }

    public void Notify(Action<Exception> onFailure) => _inner.Notify(default, onFailure);
}
