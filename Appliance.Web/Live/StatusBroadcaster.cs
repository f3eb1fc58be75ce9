using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Firmware;
using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Microsoft.AspNetCore.SignalR;

namespace Appliance.Web.Live;

/// <summary>
/// Pushes a status snapshot once a second, and every link state change, apply and firmware step as it
/// happens, to the hub's clients and to the UI's components (<see cref="LiveStatusFeed"/>).
/// </summary>
internal sealed partial class StatusBroadcaster(
    IHubContext<StatusHub, IStatusClient> hub,
    LiveStatusFeed feed,
    IEngineStatusSource status,
    HealthEventStore events,
    IRunningConfigSource running,
    IConfigStore config,
    FirmwareProgressFeed firmware,
    TimeProvider time,
    LoopSupervisor supervisor,
    ILogger<StatusBroadcaster> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken ct) =>
        supervisor.RunAsync("live status", (_, ct) => BroadcastAsync(ct), ct);

    private async Task BroadcastAsync(CancellationToken ct)
    {
        using var linkEvents = events.Subscribe(change =>
        {
            Publish(new LinkStateUpdate(change));
            Send(hub.Clients.All.LinkStateChanged(change));
        });
        using var applies = running.Subscribe(snapshot =>
        {
            var applied = new ConfigAppliedEvent(snapshot.RevisionId, snapshot.AppliedAt);
            Publish(new ConfigAppliedUpdate(applied));
            Send(hub.Clients.All.ConfigApplied(applied));
        });
        // Only the UI's own views care: SignalR clients read the pending copy over the API when they need it.
        using var edits = config.SubscribeEdits(() => Publish(new ConfigEditedUpdate()));
        using var steps = firmware.Subscribe(progress =>
        {
            Publish(new FirmwareProgressUpdate(progress));
            Send(hub.Clients.All.FirmwareProgress(progress));
        });
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            var current = status.Current with { At = time.GetUtcNow() };
            Publish(new SnapshotUpdate(current));
            await SendAsync(hub.Clients.All.Snapshot(current));
        }
    }

    // A component's failure is logged, never thrown into the engine's or the store's thread.
    private void Publish(LiveUpdate update)
    {
        try
        {
            feed.Publish(update);
        }
        catch (AggregateException ex)
        {
            LogPublishFailed(logger, ex);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A UI component failed on a live status update")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
