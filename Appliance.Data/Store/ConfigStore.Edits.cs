using Appliance.Engine;

namespace Appliance.Data.Store;

/// <summary>Edit notifications: who wants to hear that the pending copy or a revision changed.</summary>
public sealed partial class ConfigStore
{
    private readonly ListenerSet _editListeners = new();

    public IDisposable SubscribeEdits(Action onEdited) => _editListeners.Add(onEdited);

    // The change is committed already: a listener's failure is its own and must not turn the change into an error.
    private void AnnounceEdit() => _editListeners.Notify(ex => LogEditListenerFailed(logger, ex));

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "A listener of configuration edits failed")]
    private static partial void LogEditListenerFailed(Microsoft.Extensions.Logging.ILogger logger, Exception exception);
}
