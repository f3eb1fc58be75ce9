using Appliance.Engine.Network;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Appliance.Web.Hosting;

/// <summary>
/// Stand-ins so the Ports and LAN pages and the dashboard render on a host whose engine registers no port inventory,
/// WAN addressing or LAN lease reader: no ports, no learned addresses, no leases. Added with TryAdd, after the
/// engine, so the engine's own registrations win.
/// </summary>
internal static class NetworkFallbacks
{
    public static IServiceCollection AddNetworkFallbacks(this IServiceCollection services)
    {
        services.TryAddSingleton<IPortInventory, NoPorts>();
        services.TryAddSingleton<IWanAddressSource, NoWanAddresses>();
        services.TryAddSingleton<ILanLeaseReader, NoLeases>();
        return services;
    }

    private sealed class NoPorts : IPortInventory
    {
        public Task<IReadOnlyList<DiscoveredPort>> DiscoverAsync(CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<DiscoveredPort>>([]);
    }

    private sealed class NoWanAddresses : IWanAddressSource
    {
        public IReadOnlyDictionary<string, WanAddressState> Current { get; } = new Dictionary<string, WanAddressState>();

        public IDisposable Subscribe(Action onChanged) => new Nothing();

        private sealed class Nothing : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }

    private sealed class NoLeases : ILanLeaseReader
    {
        public Task<IReadOnlyList<LanLease>> ReadAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<LanLease>>([]);
    }
}
