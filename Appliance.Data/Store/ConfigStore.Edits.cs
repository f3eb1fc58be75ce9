namespace Appliance.Data.Store;

/// <summary>Edit notifications: who wants to hear that the pending copy or a revision changed.</summary>
public sealed partial class ConfigStore
{
    private readonly Lock _editListenersLock = new();
    private Action[] _editListeners = [];

    public IDisposable SubscribeEdits(Action onEdited)
    {
        lock (_editListenersLock)
        {
            _editListeners = [.. _editListeners, onEdited];
        }
        return new EditSubscription(this, onEdited);
    }

    // The change is committed already: a listener's failure is its own and must not turn the change into an error.
    private void AnnounceEdit()
    {
        foreach (var listener in _editListeners)
        {
            try
            {
                listener();
            }
            catch (Exception ex)
            {
                LogEditListenerFailed(logger, ex);
            }
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "A listener of configuration edits failed")]
    private static partial void LogEditListenerFailed(Microsoft.Extensions.Logging.ILogger logger, Exception exception);

    private sealed class EditSubscription(ConfigStore store, Action listener) : IDisposable
    {
        public void Dispose()
        {
            lock (store._editListenersLock)
            {
                store._editListeners = store._editListeners.Where(l => l != listener).ToArray();
            }
        }
    }
}
