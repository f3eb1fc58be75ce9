using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Engine.Firmware;

/// <summary>Hands firmware progress from the installer to live listeners (the status hub, the firmware page).</summary>
public sealed partial class FirmwareProgressFeed(ILogger<FirmwareProgressFeed>? logger = null)
{
    private readonly ListenerSet<FirmwareProgress> _listeners = new();
    private readonly ILogger _logger = logger ?? NullLogger<FirmwareProgressFeed>.Instance;

    /// <summary>The latest step, so a page opened mid-install shows where it is.</summary>
    public FirmwareProgress? Latest { get; private set; }

    /// <summary>Publishes from the install's own thread: a listener's failure is logged and never fails the install.</summary>
    public void Publish(FirmwareProgress progress)
    {
        Latest = progress;
        _listeners.Notify(progress, ex => LogListenerFailed(_logger, ex));
    }

    public IDisposable Subscribe(Action<FirmwareProgress> listener) => _listeners.Add(listener);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A listener of firmware progress failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);
}
