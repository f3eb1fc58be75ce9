using Microsoft.Extensions.Hosting.Systemd;

namespace Appliance.Web.Hosting;

/// <summary>Running as a systemd service (<c>Type=notify</c> with a watchdog); does nothing elsewhere.</summary>
public static class SystemdHostingExtensions
{
    public static WebApplicationBuilder AddApplianceSystemd(this WebApplicationBuilder builder)
    {
        // READY=1 once every hosted service has started, STOPPING=1 on shutdown, journal-friendly console logs;
        // AddSystemd itself registers nothing unless the process was started by systemd.
        builder.Services.AddSystemd();
        if (SystemdHelpers.IsSystemdService() && SystemdWatchdogInterval.FromEnvironment() is { } interval)
        {
            builder.Services.AddSingleton(new SystemdWatchdogOptions(interval));
            builder.Services.AddHostedService<SystemdWatchdog>();
        }
        return builder;
    }
}
