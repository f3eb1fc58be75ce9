using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Appliance.Engine.Health.Probing;

/// <summary>Registers one <see cref="IProber"/> per probe method.</summary>
/// <remarks>Needs an <see cref="Kernel.ISocketFactory"/> and a <see cref="TimeProvider"/>; the container disposes the HTTP prober's clients.</remarks>
public static class ProberRegistration
{
    public static IServiceCollection AddProbers(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProber, IcmpProber>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProber, TcpProber>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProber, DnsProber>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProber, HttpProber>());
        return services;
    }
}
