using Appliance.Engine.FirmwareSlots;
using Appliance.Engine.FirmwareSlots.DBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Appliance.Engine.Firmware;

/// <summary>Registers the firmware side: RAUC and login1 over D-Bus, the upload/install service, mark-good after boot.</summary>
public static class FirmwareServiceCollectionExtensions
{
    public static IServiceCollection AddApplianceFirmware(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RaucOptions>(configuration.GetSection(RaucOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FirmwareProgressFeed>();
        services.TryAddSingleton<BusConnection>();
        services.TryAddSingleton<IRaucInstaller, RaucClient>();
        services.TryAddSingleton<ISystemReboot, SystemdLogin>();
        services.TryAddSingleton<FirmwareService>();
        services.TryAddSingleton<BootMark>();
        services.AddHostedService<MarkGoodService>();
        return services;
    }
}
