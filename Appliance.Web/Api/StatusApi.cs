using Appliance.Data.Store;
using Appliance.Data.Store.Security;
using Appliance.Engine.Status;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/status and /api/v1/audit: what the appliance is doing and what was done to it.</summary>
internal static class StatusApi
{
    public static void MapStatusApi(this RouteGroupBuilder api)
    {
        api.MapGet("/status", (IEngineStatusSource engine) => TypedResults.Ok(engine.Current))
            .RequireAuthorization(AppPolicies.Viewer)
            .WithTags("Status").WithName("GetStatus").WithSummary("Engine and per-WAN state; says so when the engine is not running");

        api.MapGet("/events", async (string? wan, int? limit, HealthEventStore events, CancellationToken ct) =>
                TypedResults.Ok(await events.ListAsync(wan, limit ?? 200, ct)))
            .RequireAuthorization(AppPolicies.Viewer)
            .WithTags("Status").WithName("ListEvents").WithSummary("WAN state changes (time, WAN, from, to, reason), newest first; ?wan= and ?limit= (default 200)");

        api.MapGet("/audit", async (string? actor, string? action, DateTimeOffset? since, DateTimeOffset? until, int? limit,
                IAuditLog audit, AccountStore accounts, CancellationToken ct) =>
            {
                // Counts of repeated failed sign-ins reach the database a moment late; the answer includes them.
                await accounts.FlushFailuresAsync(ct);
                return TypedResults.Ok(await audit.ListAsync(new AuditQuery(actor, action, since, until, limit ?? 200), ct));
            })
            .RequireAuthorization(AppPolicies.Operator)
            .WithTags("Status").WithName("ListAudit")
            .WithSummary("Audit trail, newest first: sign-ins, configuration, users, tokens, certificates. Filters: ?actor=, ?action= (e.g. login or config.apply), ?since=, ?until= (ISO 8601), ?limit= (default 200)")
            .WithDescription("Repeated failed sign-ins from one source (an address or IPv6 /64) for one user name, or for unknown names, within " +
                "Appliance:Audit:FailureWindowMinutes share one entry: `count` says how many, `time` is the first and `lastAt` the last. " +
                "The trail is bounded by Appliance:Audit:MaxEntries and MaxAgeDays; the oldest entries go first and an `audit.pruned` entry says how many went.");
    }
}
