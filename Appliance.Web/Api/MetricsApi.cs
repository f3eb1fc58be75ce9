using Appliance.Engine.Status;
using Appliance.Engine.Telemetry;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/metrics: the live status in Prometheus text format, for a scraper with a viewer's bearer token.</summary>
internal static class MetricsApi
{
    public const string Path = "/metrics";

    public static void MapMetricsApi(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, (IEngineStatusSource engine) => TypedResults.Text(MetricsRenderer.Render(engine.Current), MetricsRenderer.ContentType))
            .RequireAuthorization(AppPolicies.Viewer)
            .ExcludeFromDescription();
}
