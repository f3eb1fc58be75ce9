using Appliance.Engine;
using Appliance.Engine.Status;

namespace Appliance.Web.Live;

/// <summary>
/// In-process twin of the status hub for the UI's components: they subscribe, get every update the
/// hub's clients get, and never poll. A subscription is disposed with the component.
/// </summary>
public sealed class LiveStatusFeed
{
    private readonly ListenerSet<LiveUpdate> _listeners = new();

    /// <summary>The last snapshot sent, so a page opened between ticks renders at once.</summary>
    public EngineStatus? Latest { get; private set; }

    public IDisposable Subscribe(Action<LiveUpdate> listener) => _listeners.Add(listener);

    /// <summary>Hands an update to every listener; one listener's failure does not keep it from the others.</summary>
    public void Publish(LiveUpdate update)
    {
        if (update is SnapshotUpdate snapshot)
        {
            Latest = snapshot.Status;
        }
        List<Exception>? failures = null;
        _listeners.Notify(update, ex => (failures ??= []).Add(ex));
        if (failures is not null)
        {
            throw new AggregateException("A live status listener failed", failures);
        }
    }
}
