using Appliance.Engine.Telemetry;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Appliance.Web.Api;

/// <summary>/api/v1/telemetry: the per-WAN link history behind the dashboard's charts.</summary>
internal static class TelemetryApi
{
    public const int MaxHours = 24;

    public static void MapTelemetryApi(this RouteGroupBuilder api)
    {
        api.MapGet("/telemetry/history", async Task<Results<Ok<IReadOnlyList<LinkSample>>, ValidationProblem>> (
                string? wan, int? hours, ILinkHistory history, TimeProvider time, CancellationToken ct) =>
            {
                var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
                if (string.IsNullOrWhiteSpace(wan))
                {
                    errors["wan"] = ["the WAN's name is required, e.g. ?wan=dsl"];
                }
                if (hours is < 1 or > MaxHours)
                {
                    errors["hours"] = [$"hours must be between 1 and {MaxHours}"];
                }
                if (errors.Count > 0)
                {
                    return TypedResults.ValidationProblem(errors);
                }
                var since = time.GetUtcNow() - TimeSpan.FromHours(hours ?? 1);
                return TypedResults.Ok(await history.QueryAsync(wan!, since, ct));
            })
            .RequireAuthorization(AppPolicies.Viewer)
            .WithTags(ApiTags.Status).WithName("GetLinkHistory").WithSummary("Get a WAN's link history")
            .WithDescription("One WAN's history behind the dashboard's charts, oldest first: 1 s samples for the last 15 minutes, 1 min aggregates " +
                "(mean rates, rtt, jitter, loss; worst state; last sessions and subflows) before. `?wan=` (required), `?hours=` 1 to 24 (default 1). " +
                "A WAN without history (unknown or new) gives an empty list.")
            .RefusedInvalid("`?wan=` is missing or `?hours=` is out of range: `errors` names them. Or `?hours=` is not a whole number.");
    }
}
