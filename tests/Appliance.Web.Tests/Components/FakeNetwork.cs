using Appliance.Engine.Network;

namespace Appliance.Web.Tests.Components;

/// <summary>The ports a test says the box has; a test changes them and advances the clock to see the page follow.</summary>
internal sealed class FakePortInventory : IPortInventory
{
    public IReadOnlyList<DiscoveredPort> Ports { get; set; } = [];

    public int Reads { get; private set; }

    public Task<IReadOnlyList<DiscoveredPort>> DiscoverAsync(CancellationToken ct = default)
    {
        Reads++;
        return Task.FromResult(Ports);
    }
}

/// <summary>Learned WAN addressing as a test sets it; setting a WAN's state tells the subscribers.</summary>
internal sealed class FakeWanAddressSource : IWanAddressSource
{
    private readonly Dictionary<string, WanAddressState> _current = new(StringComparer.Ordinal);
    private readonly Appliance.Engine.ListenerSet _listeners = new();

    public IReadOnlyDictionary<string, WanAddressState> Current => _current;

    public IDisposable Subscribe(Action onChanged) => _listeners.Add(onChanged);

    public void Set(WanAddressState state)
    {
        _current[state.Wan] = state;
        _listeners.Notify(ex => throw ex);
    }
}

/// <summary>The LAN's leases as a test sets them.</summary>
internal sealed class FakeLanLeaseReader : ILanLeaseReader
{
    public IReadOnlyList<LanLease> Leases { get; set; } = [];

    public Task<IReadOnlyList<LanLease>> ReadAsync(CancellationToken ct = default) => Task.FromResult(Leases);
}
