using Appliance.Engine;
using Appliance.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace Appliance.Data.Store;

/// <summary>
/// The running snapshot: loaded at start-up, replaced whole once a revision change commits, and announced to
/// subscribers whenever the running revision changes.
/// </summary>
public sealed partial class RunningConfigPublisher(ILogger<RunningConfigPublisher> logger)
{
    private readonly ListenerSet<ConfigSnapshot> _subscribers = new();
    private volatile ConfigSnapshot _current = ConfigSnapshot.None;

    public ConfigSnapshot Current => _current;

    /// <summary>Called after every change of <see cref="Current"/>'s revision; dispose to stop.</summary>
    public IDisposable Subscribe(Action<ConfigSnapshot> onChanged) => _subscribers.Add(onChanged);

    /// <summary>What ran when the appliance stopped: the starting point, not a change, so nobody is told.</summary>
    internal void Load(ConfigSnapshot running) => _current = running;

    /// <summary>Makes a committed snapshot current; subscribers hear of it when it is another revision.</summary>
    internal void Publish(ConfigSnapshot next)
    {
        var previous = _current;
        _current = next;
        if (next.RevisionId == previous.RevisionId)
        {
            return;
        }
        _subscribers.Notify(next, ex => LogSubscriberFailed(logger, ex));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A configuration change subscriber failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}
