using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel.Processes;
using Appliance.Engine.Network;
using Appliance.Engine.Tests.Fakes;
using Appliance.Engine.Tests.Kernel.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Network;

public sealed class WanAddressServiceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLauncher _launcher = new();
    private readonly DirectoryInfo _runtime = Directory.CreateTempSubdirectory("wan-addressing-");
    private readonly FakeConfigSource _config;
    private readonly WanAddressService _service;

    private static readonly ApplianceConfig Dhcp = new()
    {
        Ports = [new PortConfig { Name = "eth2", Role = PortRole.Wan }],
        Wans = [new WanLink { Name = "cable", Interface = "eth2" }],
    };

    public WanAddressServiceTests()
    {
        _config = new FakeConfigSource(new ConfigSnapshot(1, Dhcp, DateTimeOffset.UnixEpoch));
        _service = new WanAddressService(_config, _launcher, Options.Create(new EngineOptions { RuntimeDirectory = _runtime.FullName }), _time, NullLoggerFactory.Instance);
    }

    public async ValueTask InitializeAsync() => await _service.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _service.StopAsync(CancellationToken.None);
        _service.Dispose();
        _runtime.Delete(recursive: true);
    }

    [Fact]
    public async Task A_dhcp_wan_runs_udhcpc_on_its_port_and_publishes_each_lease_at_once()
    {
        await Wait.UntilAsync(() => _launcher.Running is not null, "udhcpc");
        var udhcpc = _launcher.Running!;
        var notified = 0;
        using var _ = _service.Subscribe(() => Interlocked.Increment(ref notified));

        udhcpc.Write("@dhcp bound ip=198.51.100.10 mask=24 router=198.51.100.1 dns=198.51.100.53 lease=60 server=198.51.100.1");

        Assert.Equal("udhcpc", udhcpc.Spec.Program);
        Assert.Contains("eth2", udhcpc.Spec.Arguments);
        Assert.True(File.Exists(Path.Combine(_runtime.FullName, "udhcpc.script")));
        Assert.Equal(1, notified);
        var state = _service.Current["cable"];
        Assert.Equal(("198.51.100.10/24", "198.51.100.1"), (state.Address, state.Gateway));
    }

    [Fact]
    public async Task A_lease_that_is_not_renewed_expires()
    {
        await Wait.UntilAsync(() => _launcher.Running is not null, "udhcpc");
        _launcher.Running!.Write("@dhcp bound ip=198.51.100.10 mask=24 router=198.51.100.1 dns= lease=60 server=198.51.100.1");

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(_service.Current["cable"].Bound);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(_service.Current["cable"].Bound);
        Assert.Equal("DHCP lease expired", _service.Current["cable"].State);
    }

    [Fact]
    public async Task Renew_sends_udhcpc_sigusr1()
    {
        await Wait.UntilAsync(() => _launcher.Running is not null, "udhcpc");

        Assert.True(await _service.RenewAsync("cable", TestContext.Current.CancellationToken));
        Assert.False(await _service.RenewAsync("nope", TestContext.Current.CancellationToken));

        Assert.Equal([ChildSignal.User1], _launcher.Running!.Signals);
    }

    [Fact]
    public async Task A_wan_that_leaves_the_config_loses_its_client()
    {
        await Wait.UntilAsync(() => _launcher.Running is not null, "udhcpc");
        var udhcpc = _launcher.Running!;

        _config.Publish(new ConfigSnapshot(2, Dhcp with { Wans = [] }, DateTimeOffset.UnixEpoch));

        await Wait.UntilAsync(() => udhcpc.Stopped && _service.Current.Count == 0, "udhcpc stopped");
    }

    [Fact]
    public async Task A_wan_on_a_port_the_config_does_not_name_is_left_alone()
    {
        await Wait.UntilAsync(() => _launcher.Running is not null, "udhcpc");
        var udhcpc = _launcher.Running!;

        _config.Publish(new ConfigSnapshot(2, Dhcp with { Ports = [] }, DateTimeOffset.UnixEpoch));

        await Wait.UntilAsync(() => udhcpc.Stopped, "udhcpc stopped");
        Assert.Single(_launcher.Children);
    }
}
