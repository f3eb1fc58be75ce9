using Appliance.Data.Store;
using Appliance.Engine;
using Appliance.Engine.Configuration;
using Appliance.Engine.Factory;
using Appliance.Engine.Network;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Data.Tests;

/// <summary>The factory configuration: applied once on a fresh database at start-up, and by a reset, which keeps accounts.</summary>
public sealed class FactoryTests : IDisposable
{
    private readonly string _defaults = Path.Combine(Path.GetTempPath(), $"factory-defaults-{Guid.NewGuid():N}.json");
    private readonly Ports _ports = new(["eth1", "eth0"]);

    public FactoryTests() => File.WriteAllText(_defaults, """
        { "lan": { "address": "198.18.7.1/24", "dhcp": { "enabled": true, "rangeStart": "198.18.7.100", "rangeEnd": "198.18.7.199" } },
          "wan": { "probes": { "targets": ["192.0.2.1"] } } }
        """);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Ports(string[] names) : IPortInventory
    {
        public string[] Names { get; set; } = names;

        public Task<IReadOnlyList<DiscoveredPort>> DiscoverAsync(CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<DiscoveredPort>>(Names.Select(n => new DiscoveredPort(n, "02:00:00:00:00:01", true, 1000)).ToList());
    }

    /// <summary>Read when the store (re)starts, so a test can turn the engine on for a restart.</summary>
    private bool _engine = true;

    private Task<StoreFixture> StartAsync(bool inventory = true, bool engine = true)
    {
        _engine = engine;
        return StoreFixture.StartAsync(Ct, configure: services =>
        {
            services.Configure<FactoryOptions>(o => o.DefaultsPath = _defaults);
            services.Configure<EngineOptions>(o => o.Enabled = _engine);
            if (inventory)
            {
                services.AddSingleton<IPortInventory>(_ports);
            }
        });
    }

    [Fact]
    public async Task A_fresh_database_starts_with_the_factory_configuration_for_the_ports_found()
    {
        await using var fixture = await StartAsync();

        var running = fixture.Running.Current;
        Assert.Equal(1, running.RevisionId);
        Assert.Equal([("eth0", PortRole.Lan), ("eth1", PortRole.Wan)], running.Config.Ports.Select(p => (p.Name, p.Role)));
        var wan = Assert.Single(running.Config.Wans);
        Assert.Equal(("wan1", "eth1", AddressingMode.Dhcp), (wan.Name, wan.Interface, wan.EffectiveAddressing.Mode));
        Assert.Equal(["198.18.7.1/24"], running.Config.Settings.Lan.Addresses);
        var revision = Assert.Single(await fixture.Revisions.ListAsync(Ct));
        Assert.Equal((RevisionLog.FirstBootComment, "system"), (revision.Comment, revision.Author));
        Assert.Contains(await fixture.Audit.ListAsync(10, Ct), a => a.Action == "config.factory-defaults");
    }

    [Fact]
    public async Task A_box_with_one_port_gets_its_lan_and_no_wan()
    {
        // An admin could not apply an edge without a WAN; the box must run it all the same, to be reachable.
        _ports.Names = ["enp1s0"];
        await using var fixture = await StartAsync();

        var running = fixture.Running.Current;
        Assert.Equal(1, running.RevisionId);
        Assert.Equal(("enp1s0", PortRole.Lan), (Assert.Single(running.Config.Ports).Name, running.Config.Ports[0].Role));
        Assert.Empty(running.Config.Wans);
    }

    [Fact]
    public async Task A_later_start_never_applies_it_again()
    {
        await using var fixture = await StartAsync();
        _ports.Names = ["eth0", "eth1", "eth2"];

        await fixture.RestartAsync(Ct);

        Assert.Single(await fixture.Revisions.ListAsync(Ct));
        Assert.Equal(2, fixture.Running.Current.Config.Ports.Count);
    }

    [Fact]
    public async Task Without_the_engine_or_a_port_inventory_a_fresh_database_stays_empty()
    {
        await using (var noEngine = await StartAsync(engine: false))
        {
            Assert.Empty(await noEngine.Revisions.ListAsync(Ct));
        }
        await using var noInventory = await StartAsync(inventory: false);
        Assert.Empty(await noInventory.Revisions.ListAsync(Ct));
    }

    [Fact]
    public async Task Pending_edits_on_a_database_without_revisions_are_not_overwritten()
    {
        await using var fixture = await StartAsync(engine: false);
        await fixture.Store.ImportAsync(new ApplianceConfig { Wans = [new WanLink { Name = "dsl", Interface = "eth1" }] }, Samples.Admin, Ct);
        _engine = true;

        await fixture.RestartAsync(Ct);

        Assert.Empty(await fixture.Revisions.ListAsync(Ct));
        Assert.Equal("dsl", Assert.Single((await fixture.Store.GetPendingAsync(Ct)).Wans).Name);
    }

    [Fact]
    public async Task A_reset_replaces_the_configuration_and_applies_it_as_a_new_revision()
    {
        await using var fixture = await StartAsync();
        await fixture.Store.ImportAsync(new ApplianceConfig
        {
            Wans = [new WanLink { Name = "dsl", Interface = "eth1", Gateway = "192.0.2.1" }],
            Rules = [new Rule { Id = 1, Action = RuleAction.Pin, Wan = "dsl" }],
        }, Samples.Admin, Ct);
        await fixture.Revisions.ApplyAsync("mine", 60, Samples.Admin, Ct);
        _ports.Names = ["eth0", "eth1", "eth2"];

        var reset = await fixture.Services.GetRequiredService<IFactoryReset>().ResetAsync(Samples.Admin, Ct);

        Assert.Equal(3, reset.Id);
        Assert.Equal((RevisionLog.FactoryResetComment, Entities.RevisionStatus.Applied), (reset.Comment, reset.Status));
        var running = fixture.Running.Current;
        Assert.Equal(3, running.RevisionId);
        Assert.Equal(["wan1", "wan2"], running.Config.Wans.Select(w => w.Name));
        Assert.Empty(running.Config.Rules);
        var pending = await fixture.Store.GetPendingAsync(Ct);
        Assert.Equal(["wan1", "wan2"], pending.Wans.Select(w => w.Name));
        Assert.Empty(pending.Rules);
        var trial = await fixture.Revisions.GetAsync(2, Ct);
        Assert.Equal(Entities.RevisionStatus.Reverted, trial.Revision.Status);
        Assert.Null((await fixture.Store.GetPendingStatusAsync(Ct)).AwaitingConfirmation);
        var audit = Assert.Single(await fixture.Audit.ListAsync(new AuditQuery(Action: "system.factory-reset"), Ct));
        Assert.Equal("admin", audit.Actor);
    }

    public void Dispose() => File.Delete(_defaults);
}
