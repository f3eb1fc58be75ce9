using Appliance.Web.Api.OpenApi;

namespace Appliance.Web.Api;

/// <summary>Maps every REST endpoint under /api/v1, and the Prometheus /metrics.</summary>
internal static class ApplianceApi
{
    public static IEndpointRouteBuilder MapApplianceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1")
            .Refused(StatusCodes.Status500InternalServerError, "The appliance could not complete the request; its log says why.")
            .ProducesAccessProblems();
        api.MapWansApi();
        api.MapRulesApi();
        api.MapSettingsApi();
        api.MapPortsApi();
        api.MapLanApi();
        api.MapConfigApi();
        api.MapHubEdgesApi();
        api.MapStatusApi();
        api.MapAuthApi();
        api.MapUsersApi();
        api.MapTokensApi();
        api.MapSystemApi();
        api.MapFirmwareApi();
        api.MapTelemetryApi();
        app.MapMetricsApi();
        return app;
    }
}
