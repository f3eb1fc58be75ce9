using Appliance.Engine.Status;
using Appliance.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Appliance.Web.Live;

/// <summary>
/// /hubs/status: live status for the UI and any SignalR client. Snapshots and events are pushed by
/// <see cref="StatusBroadcaster"/>; a client never needs to poll. Signed-in callers only (any role).
/// </summary>
[Authorize(Policy = AppPolicies.Viewer)]
public sealed class StatusHub(IEngineStatusSource status, TimeProvider time) : Hub<IStatusClient>
{
    public const string Path = "/hubs/status";

    /// <summary>A new client gets the current status at once instead of waiting for the next tick.</summary>
    public override Task OnConnectedAsync() => Clients.Caller.Snapshot(GetSnapshot());

    /// <summary>The current status on request.</summary>
    public EngineStatus GetSnapshot() => status.Current with { At = time.GetUtcNow() };
}
