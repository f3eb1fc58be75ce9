using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Appliance.Engine.Factory;

/// <summary>Registers the factory defaults file and its options (section <c>Appliance:Factory</c>).</summary>
public static class FactoryServiceCollectionExtensions
{
    public static IServiceCollection AddApplianceFactoryDefaults(this IServiceCollection services)
    {
        services.AddOptions<FactoryOptions>().BindConfiguration(FactoryOptions.Section);
        services.TryAddSingleton<FactoryDefaultsFile>();
        return services;
    }
}
