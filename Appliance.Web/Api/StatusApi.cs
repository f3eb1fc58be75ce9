using Appliance.Data.Store;
using Appliance.Data.Store.Security;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Appliance.Engine.Status;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/status and /api/v1/audit: what the appliance is doing and what was done to it.</summary>
internal static class StatusApi
{
    public static void MapStatusApi(this RouteGroupBuilder api)
    {
        api.MapGet("/status", async (IEngineStatusSource engine, IRunningConfigSource running, IWanAddressSource addresses, IPortInventory inventory,
                CancellationToken ct) =>
            {
                // The roles in force, not the pending ones: the status tells what the box does now.
                var ports = PortStates.Join(running.Current.Config.Ports, await inventory.DiscoverAsync(ct));
                return TypedResults.Ok(engine.Current.WithNetwork(addresses.Current, ports));
            })
            .RequireAuthorization(AppPolicies.Viewer)
            .WithTags(ApiTags.Status).WithName("GetStatus").WithSummary("Get the live status")
            .WithDescription("The engine's state (the revision in force, its loops, warnings) and each WAN's health, rates, sessions and bonding paths, " +
                "and how it got its address (`addressing`: DHCP lease with expiry, PPPoE session or static; null until known). " +
                "`ports` lists the box's ports with the roles of the running revision, carrier and speed. " +
                "When the engine is not running the answer says so and why.");

        api.MapGet("/events", async (string? wan, int? limit, HealthEventStore events, CancellationToken ct) =>
                TypedResults.Ok(await events.ListAsync(wan, limit ?? 200, ct)))
            .RequireAuthorization(AppPolicies.Viewer)
            .WithTags(ApiTags.Status).WithName("ListEvents").WithSummary("List WAN state changes")
            .WithDescription("WAN state changes (time, WAN, from, to, reason), newest first. `?wan=` keeps one WAN's; `?limit=` caps the count " +
                "(default 200, 1 to 1000).")
            .Refused(StatusCodes.Status400BadRequest, "`?limit=` is not a whole number.");

        api.MapGet("/audit", async (string? actor, string? action, DateTimeOffset? since, DateTimeOffset? until, int? limit,
                IAuditLog audit, AccountStore accounts, CancellationToken ct) =>
            {
                // Counts of repeated failed sign-ins reach the database a moment late; the answer includes them.
                await accounts.FlushFailuresAsync(ct);
                return TypedResults.Ok(await audit.ListAsync(new AuditQuery(actor, action, since, until, limit ?? 200), ct));
            })
            .RequireAuthorization(AppPolicies.Operator)
            .WithTags(ApiTags.Status).WithName("ListAudit").WithSummary("List the audit trail")
            .WithDescription("Who did what, newest first: sign-ins, configuration, users, tokens, certificates, firmware. Filters: `?actor=`, " +
                "`?action=` (e.g. login or config.apply), `?since=` and `?until=` (ISO 8601), `?limit=` (default 200, 1 to 10000). " +
                "Repeated failed sign-ins from one source (an address or IPv6 /64) for one user name, or for unknown names, within " +
                "Appliance:Audit:FailureWindowMinutes share one entry: `count` says how many, `time` is the first and `lastAt` the last. " +
                "The trail is bounded by Appliance:Audit:MaxEntries and MaxAgeDays; the oldest entries go first and an `audit.pruned` entry says how many went.")
            .Refused(StatusCodes.Status400BadRequest, "`?since=` or `?until=` is not an ISO 8601 time, or `?limit=` not a whole number.");
    }
}
