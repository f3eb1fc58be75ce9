using Appliance.Engine.Network;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Appliance.Web.Hosting;

/// <summary>
/// What the API answers about ports, WAN addressing and LAN leases when the engine registered nothing for them (it is
/// disabled, or runs without the network services): no ports found, nothing learned, no leases, nothing to renew.
/// Registered after the engine and only where it registered nothing, so the engine's own always win.
/// </summary>
internal static class NetworkFallbacks
{
    public static IServiceCollection AddNetworkFallbacks(this IServiceCollection services)
    {
        services.TryAddSingleton<IPortInventory, NoPorts>();
        services.TryAddSingleton<IWanAddressSource, NoWanAddresses>();
        services.TryAddSingleton<ILanLeaseReader, NoLeases>();
        services.TryAddSingleton<IWanAddressControl, NoAddressControl>();
        return services;
    }

    private sealed class NoPorts : IPortInventory
    {
        public Task<IReadOnlyList<DiscoveredPort>> DiscoverAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<DiscoveredPort>>([]);
    }

    private sealed class NoWanAddresses : IWanAddressSource
    {
        public IReadOnlyDictionary<string, WanAddressState> Current { get; } = new Dictionary<string, WanAddressState>();

        public IDisposable Subscribe(Action onChanged) => new Unsubscribed();

        private sealed class Unsubscribed : IDisposable
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

    private sealed class NoAddressControl : IWanAddressControl
    {
        public Task<bool> RenewAsync(string wan, CancellationToken ct) => Task.FromResult(false);
    }
}
