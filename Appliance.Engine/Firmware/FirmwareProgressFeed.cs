namespace Appliance.Engine.Firmware;

/// <summary>Hands firmware progress from the installer to live listeners (the status hub, the firmware page).</summary>
public sealed class FirmwareProgressFeed
{
    private readonly Lock _lock = new();
    private Action<FirmwareProgress>[] _listeners = [];

    /// <summary>The latest step, so a page opened mid-install shows where it is.</summary>
    public FirmwareProgress? Latest { get; private set; }

    public void Publish(FirmwareProgress progress)
    {
        Latest = progress;
        foreach (var listener in _listeners)
        {
            listener(progress);
        }
    }

    public IDisposable Subscribe(Action<FirmwareProgress> listener)
    {
        lock (_lock)
        {
            _listeners = [.. _listeners, listener];
        }
        return new Subscription(this, listener);
    }

    private sealed class Subscription(FirmwareProgressFeed feed, Action<FirmwareProgress> listener) : IDisposable
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
