using System.Collections.Concurrent;
using Appliance.Data.Entities;
using Appliance.Engine.Network;
using Appliance.Engine.Status;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests;

/// <summary>Base of the tests of ports, LAN and WAN addressing: the network services are fakes the test fills.</summary>
public abstract class NetworkApiTest : IAsyncDisposable
{
    protected NetworkApiTest()
    {
        Factory = new ApplianceFactory
        {
            TestServices = services =>
            {
                services.AddSingleton<IPortInventory>(Inventory);
                services.AddSingleton<IWanAddressSource>(Addresses);
                services.AddSingleton<ILanLeaseReader>(Leases);
                services.AddSingleton<IWanAddressControl>(Control);
                services.AddSingleton<IEngineStatusSource>(Engine);
            },
        };
        Client = Factory.CreateClient(UserRole.Admin);
    }

    protected FakeInventory Inventory { get; } = new();
    protected FakeAddresses Addresses { get; } = new();
    protected FakeLeases Leases { get; } = new();
    protected FakeControl Control { get; } = new();
    protected FakeEngineStatus Engine { get; } = new();

    protected ApplianceFactory Factory { get; }
    protected HttpClient Client { get; }
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected sealed class FakeInventory : IPortInventory
    {
        public IReadOnlyList<DiscoveredPort> Ports { get; set; } = [];
        public Task<IReadOnlyList<DiscoveredPort>> DiscoverAsync(CancellationToken ct = default) => Task.FromResult(Ports);
    }

    protected sealed class FakeAddresses : IWanAddressSource
    {
        public IReadOnlyDictionary<string, WanAddressState> Current { get; set; } = new Dictionary<string, WanAddressState>();
        public IDisposable Subscribe(Action onChanged) => new Nothing();
    }

    protected sealed class FakeLeases : ILanLeaseReader
    {
        public IReadOnlyList<LanLease> Leases { get; set; } = [];
        public Task<IReadOnlyList<LanLease>> ReadAsync(CancellationToken ct = default) => Task.FromResult(Leases);
    }

    protected sealed class FakeControl : IWanAddressControl
    {
        public HashSet<string> Renewable { get; } = [];
        public ConcurrentQueue<string> Renewed { get; } = new();

        public Task<bool> RenewAsync(string wan, CancellationToken ct)
        {
            Renewed.Enqueue(wan);
            return Task.FromResult(Renewable.Contains(wan));
        }
    }

    protected sealed class FakeEngineStatus : IEngineStatusSource
    {
        public EngineStatus Current { get; set; } = EngineStatus.NotRunning("engine not running: tests");
    }

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
