using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Status;
using Microsoft.AspNetCore.SignalR;

namespace Appliance.Web.Live;

/// <summary>Pushes a status snapshot to every hub client once a second, and every link state change and apply as it happens.</summary>
internal sealed partial class StatusBroadcaster(
    IHubContext<StatusHub, IStatusClient> hub,
    IEngineStatusSource status,
    HealthEventStore events,
    IRunningConfigSource config,
    TimeProvider time,
    ILogger<StatusBroadcaster> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var linkEvents = events.Subscribe(change => Send(hub.Clients.All.LinkStateChanged(change)));
        using var applies = config.Subscribe(snapshot => Send(hub.Clients.All.ConfigApplied(new ConfigAppliedEvent(snapshot.RevisionId, snapshot.AppliedAt))));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await SendAsync(hub.Clients.All.Snapshot(status.Current));
        }
    }

    // Events come from the store's and the engine's threads; sending must neither block them nor throw into them.
    private void Send(Task sending) => _ = SendAsync(sending);

    private async Task SendAsync(Task sending)
    {
        try
        {
            await sending;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSendFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending live status to the hub's clients failed")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);
}
