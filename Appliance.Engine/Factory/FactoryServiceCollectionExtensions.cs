using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Appliance.Engine.Factory;

/// <summary>Registers the factory defaults file and its options (section <c>Appliance:Factory</c>).</summary>
public static class FactoryServiceCollectionExtensions
{
    public static IServiceCollection AddApplianceFactoryDefaults(this IServiceCollection services)
    {
        // Bound when the host has a configuration; hosts without one (the data layer's tests) keep the defaults.
        services.AddOptions<FactoryOptions>().Configure<IServiceProvider>((options, sp) =>
            sp.GetService<IConfiguration>()?.GetSection(FactoryOptions.Section).Bind(options));
        services.TryAddSingleton<FactoryDefaultsFile>();
        return services;
    }
}
