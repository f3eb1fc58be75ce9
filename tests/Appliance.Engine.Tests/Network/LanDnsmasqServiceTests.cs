using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Kernel.Processes;
using Appliance.Engine.Network;
using Appliance.Engine.Supervision;
using Appliance.Engine.Tests.Fakes;
using Appliance.Engine.Tests.Kernel.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Network;

public sealed class LanDnsmasqServiceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLauncher _launcher = new();
    private readonly DirectoryInfo _runtime = Directory.CreateTempSubdirectory("lan-dnsmasq-");
    private readonly FakeConfigSource _config = new(new ConfigSnapshot(1, LanServicePlanTests.Router, DateTimeOffset.UnixEpoch));
    private readonly MutableHealth _health = new(LanServicePlanTests.Up("cable", "fiber"));
    private readonly MutableAddresses _addresses = new(new Dictionary<string, WanAddressState>
    {
        ["cable"] = LanServicePlanTests.State("cable", "198.51.100.53"),
        ["fiber"] = LanServicePlanTests.State("fiber", "192.0.2.53"),
    });
    private readonly LanDnsmasqService _service;

    public LanDnsmasqServiceTests()
    {
        var supervisor = new LoopSupervisor(new LoopMonitor(_time), NullLogger<LoopSupervisor>.Instance);
        _service = new LanDnsmasqService(_config, _health, _addresses, _launcher,
            Options.Create(new EngineOptions { RuntimeDirectory = _runtime.FullName }), supervisor, _time, NullLoggerFactory.Instance);
    }

    private string ServersFile => File.ReadAllText(Path.Combine(_runtime.FullName, "dnsmasq.servers"));
    private string ConfigFile => File.ReadAllText(Path.Combine(_runtime.FullName, "dnsmasq.conf"));

    public async ValueTask InitializeAsync() => await _service.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _service.StopAsync(CancellationToken.None);
        _service.Dispose();
        _runtime.Delete(recursive: true);
    }

    [Fact]
    public async Task Enabled_lan_services_start_dnsmasq_on_its_rendered_files()
    {
        await Wait.UntilAsync(() => _launcher.Running is not null, "dnsmasq");

        var dnsmasq = _launcher.Running!;
        Assert.Equal("dnsmasq", dnsmasq.Spec.Program);
        Assert.Contains($"--conf-file={Path.Combine(_runtime.FullName, "dnsmasq.conf")}", dnsmasq.Spec.Arguments);
        Assert.Contains("interface=br-lan\n", ConfigFile);
        Assert.Contains("server=192.0.2.53\nserver=198.51.100.53\n", ServersFile);
    }

    [Fact]
    public async Task Disabled_lan_services_start_nothing_and_turning_them_off_stops_dnsmasq()
    {
        await Wait.UntilAsync(() => _launcher.Running is not null, "dnsmasq");
        var dnsmasq = _launcher.Running!;

        Publish(Off(LanServicePlanTests.Router));

        await Wait.UntilAsync(() => dnsmasq.Stopped && _service.Process is null, "dnsmasq stopped");
        Assert.Single(_launcher.Children);
    }

    [Fact]
    public async Task The_hub_role_stops_dnsmasq()
    {
        await Wait.UntilAsync(() => _launcher.Running is not null, "dnsmasq");
        var dnsmasq = _launcher.Running!;

        Publish(LanServicePlanTests.Router with { Settings = LanServicePlanTests.Router.Settings with { Role = ApplianceRole.Hub } });

        await Wait.UntilAsync(() => dnsmasq.Stopped, "dnsmasq stopped");
    }

    [Fact]
    public async Task A_config_change_restarts_dnsmasq_and_an_unrelated_one_does_not()
    {
        await Wait.UntilAsync(() => _launcher.Running is not null, "dnsmasq");
        var first = _launcher.Running!;
        var lan = LanServicePlanTests.Router.Settings.Lan;

        Publish(LanServicePlanTests.Router with { Rules = [] });
        Publish(LanServicePlanTests.Router with { Settings = LanServicePlanTests.Router.Settings with { Lan = lan with { Domain = "home.arpa" } } });

        await Wait.UntilAsync(() => _launcher.Children.Count == 2 && _launcher.Running is not null, "dnsmasq restarted");
        Assert.True(first.Stopped);
        Assert.Contains("domain=home.arpa\n", ConfigFile);
        Assert.Empty(first.Signals);
    }

    [Fact]
    public async Task An_upstream_change_rewrites_the_servers_file_and_sends_sighup_without_a_restart()
    {
        await Wait.UntilAsync(() => _launcher.Running is not null, "dnsmasq");
        var dnsmasq = _launcher.Running!;

        _health.Set(LanServicePlanTests.Up("cable"));

        await Wait.UntilAsync(() => dnsmasq.Signals.Count == 1, "SIGHUP");
        Assert.Equal([ChildSignal.Hangup], dnsmasq.Signals);
        Assert.Contains("server=198.51.100.53\n", ServersFile);
        Assert.DoesNotContain("192.0.2.53", ServersFile);

        _addresses.Set(new Dictionary<string, WanAddressState> { ["cable"] = LanServicePlanTests.State("cable", "198.51.100.54") });

        await Wait.UntilAsync(() => dnsmasq.Signals.Count == 2, "second SIGHUP");
        Assert.Contains("server=198.51.100.54\n", ServersFile);
        Assert.Single(_launcher.Children);
        Assert.False(dnsmasq.Stopped);
    }

    [Fact]
    public async Task A_health_change_that_leaves_the_upstreams_alone_sends_nothing()
    {
        await Wait.UntilAsync(() => _launcher.Running is not null, "dnsmasq");
        var dnsmasq = _launcher.Running!;

        _health.Set(LanServicePlanTests.Up("cable", "fiber", "dsl"));
        _health.Set(LanServicePlanTests.Up("cable"));

        await Wait.UntilAsync(() => dnsmasq.Signals.Count == 1, "SIGHUP for the change that counts");
        Assert.Equal([ChildSignal.Hangup], dnsmasq.Signals);
    }

    [Fact]
    public async Task Leases_are_read_from_the_lease_file_with_static_ones_marked()
    {
        Assert.Empty(await _service.ReadAsync(TestContext.Current.CancellationToken));
        var lan = LanServicePlanTests.Router.Settings.Lan;
        Publish(LanServicePlanTests.Router with
        {
            Settings = LanServicePlanTests.Router.Settings with
            {
                Lan = lan with { Dhcp = lan.Dhcp with { StaticLeases = [new StaticLease { Mac = "02:00:5E:10:00:01", Address = "198.18.0.10" }] } },
            },
        });
        await File.WriteAllTextAsync(Path.Combine(_runtime.FullName, "dnsmasq.leases"),
            "1772366400 02:00:5e:10:00:01 198.18.0.10 printer *\n1772366400 02:00:5e:10:00:02 198.18.0.100 * 01:02:00:5e:10:00:02\n",
            TestContext.Current.CancellationToken);

        var leases = await _service.ReadAsync(TestContext.Current.CancellationToken);

        Assert.Equal([("198.18.0.10", true), ("198.18.0.100", false)], leases.Select(l => (l.Address, l.Static)));
    }

    private void Publish(ApplianceConfig config) => _config.Publish(new ConfigSnapshot(_config.Current.RevisionId + 1, config, DateTimeOffset.UnixEpoch));

    private static ApplianceConfig Off(ApplianceConfig config)
    {
        var lan = config.Settings.Lan;
        return config with { Settings = config.Settings with { Lan = lan with { Dhcp = lan.Dhcp with { Enabled = false }, Dns = new LanDnsSettings() } } };
    }

    private sealed class MutableHealth(IReadOnlyDictionary<string, LinkHealth> initial) : ILinkHealthSource
    {
        private readonly ListenerSet _listeners = new();
        private IReadOnlyDictionary<string, LinkHealth> _current = initial;

        public IReadOnlyDictionary<string, LinkHealth> Current => Volatile.Read(ref _current);

        public IDisposable Subscribe(Action onChanged) => _listeners.Add(onChanged);

        public void Set(IReadOnlyDictionary<string, LinkHealth> next)
        {
            Volatile.Write(ref _current, next);
            _listeners.Notify(_ => { });
        }
    }

    private sealed class MutableAddresses(IReadOnlyDictionary<string, WanAddressState> initial) : IWanAddressSource
    {
        private readonly ListenerSet _listeners = new();
        private IReadOnlyDictionary<string, WanAddressState> _current = initial;

        public IReadOnlyDictionary<string, WanAddressState> Current => Volatile.Read(ref _current);

        public IDisposable Subscribe(Action onChanged) => _listeners.Add(onChanged);

        public void Set(IReadOnlyDictionary<string, WanAddressState> next)
        {
            Volatile.Write(ref _current, next);
            _listeners.Notify(_ => { });
        }
    }
}
