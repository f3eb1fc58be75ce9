using Appliance.Data;
using Appliance.Engine.Configuration;
using Appliance.Engine;
using Appliance.Engine.Firmware;
using Appliance.Web.Api;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Pages;
using Appliance.Web.Security;
using Microsoft.AspNetCore.Http.Json;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace Appliance.Web.Hosting;

/// <summary>Registration and pipeline of the appliance host, kept out of Program.cs.</summary>
public static class ApplianceHostExtensions
{
    public static WebApplicationBuilder AddApplianceServices(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ApplianceOptions.Section).Get<ApplianceOptions>() ?? new ApplianceOptions();
        builder.Services.Configure<ApplianceOptions>(builder.Configuration.GetSection(ApplianceOptions.Section));
        // The engine's loops catch and retry their own faults; one that still escapes stops the host (the default,
        // stated here because it matters), and the guard makes that a non-zero exit that systemd restarts.
        builder.Services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost);
        builder.Services.AddHostedService<BackgroundServiceGuard>();
        builder.Services.AddApplianceData(Path.GetFullPath(options.DataDirectory));
        builder.Services.AddApplianceEngine(builder.Configuration);
        builder.Services.AddNetworkFallbacks();
        builder.Services.AddHostedService<Appliance.Data.Store.LinkHistoryRecorder>();
        // The hub's TLS key lives with the rest of the appliance's state unless configured elsewhere.
        if (builder.Configuration[$"{Appliance.Engine.Bonding.BondingOptions.Section}:CertificatePath"] is null)
        {
            builder.Services.PostConfigure<Appliance.Engine.Bonding.BondingOptions>(o =>
                o.CertificatePath = Path.Combine(Path.GetFullPath(options.DataDirectory), "hub-tls.pfx"));
        }

        builder.Services.AddApplianceFirmware(builder.Configuration);
        // Uploaded bundles wait in the data directory (which survives updates) unless configured elsewhere.
        if (builder.Configuration[$"{Appliance.Engine.FirmwareSlots.RaucOptions.Section}:StagingDirectory"] is null)
        {
            builder.Services.PostConfigure<Appliance.Engine.FirmwareSlots.RaucOptions>(o =>
                o.StagingDirectory = Path.Combine(Path.GetFullPath(options.DataDirectory), "firmware"));
        }

        builder.AddApplianceSecurity(Path.GetFullPath(options.DataDirectory));

        builder.Services.Configure<JsonOptions>(o => ConfigJson.Configure(o.SerializerOptions));
        // Bad JSON must surface as an exception so the handler can turn it into problem details with the reason.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxJsonBodyBytes);

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddApplianceOpenApi();
        // The systemd watchdog pings only while these pass.
        builder.Services.AddHealthChecks().AddCheck<EngineLoopsHealthCheck>(EngineLoopsHealthCheck.Name);
        // Component libraries' files (_content/…) are served from the build output too, not only in Development:
        // the lab runs the Release build as it is; a published image has them in wwwroot and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        // After the components' own registration, so this one is what circuits get: it re-checks the user every 30 s.
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, CircuitAuthenticationStateProvider>();
        builder.Services.AddMudServices();
        builder.Services.AddSignalR().AddJsonProtocol(o => ConfigJson.Configure(o.PayloadSerializerOptions));
        builder.Services.AddSingleton<Appliance.Web.Live.LiveStatusFeed>();
        builder.Services.AddHostedService<Appliance.Web.Live.StatusBroadcaster>();
        return builder;
    }

    public static WebApplication UseAppliance(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseApplianceSecurity();

        // The API's description and reference need a signed-in caller like everything else (the fallback policy).
        app.MapOpenApi();
        app.MapScalarApiReference("/api/docs", o => o.WithTitle(ApplianceOpenApi.Title));
        app.MapHealthChecks("/healthz").AllowAnonymous();
        app.MapApplianceApi();
        app.MapSignInPages();
        app.MapHub<Appliance.Web.Live.StatusHub>(Appliance.Web.Live.StatusHub.Path);
        app.MapStaticAssets();
        app.MapRazorComponents<Appliance.Web.Components.App>().AddInteractiveServerRenderMode();
        return app;
    }
}
