using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Tests;

/// <summary>Port roles and the LAN's services are part of the pending copy, of revisions, and of export and import.</summary>
public sealed class PortStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly PortConfig[] Roles =
    [
        new() { Name = "eth0", Role = PortRole.Lan },
        new() { Name = "eth1", Role = PortRole.Wan },
        new() { Name = "eth3", Role = PortRole.Management },
    ];

    private static LanSettings Lan => new()
    {
        Addresses = ["198.18.0.1/24"],
        Dhcp = new LanDhcpSettings
        {
            Enabled = true, RangeStart = "198.18.0.100", RangeEnd = "198.18.0.150", LeaseTimeSeconds = 3600,
            StaticLeases = [new StaticLease { Mac = "02:00:5e:10:00:01", Address = "198.18.0.10", Name = "printer" }],
        },
        Dns = new LanDnsSettings { Enabled = true, Upstreams = DnsUpstreams.Manual, Servers = ["198.51.100.53"] },
        Domain = "home.arpa",
    };

    private static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, ConfigJson.Options);

    [Fact]
    public async Task Ports_start_empty_and_are_stored_with_a_version()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        Assert.Equal(0, (await fixture.Store.GetPortsAsync(Ct)).Version);
        Assert.Empty((await fixture.Store.GetPortsAsync(Ct)).Value);

        var first = await fixture.Store.UpdatePortsAsync(Roles, expectedVersion: 0, Samples.Admin, Ct);
        var second = await fixture.Store.UpdatePortsAsync(Roles[..2], expectedVersion: 1, Samples.Admin, Ct);

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        var stored = await fixture.Store.GetPortsAsync(Ct);
        Assert.Equal(Json(Roles[..2]), Json(stored.Value));
        Assert.Equal(Json(Roles[..2]), Json((await fixture.Store.GetPendingAsync(Ct)).Ports));
        var audit = await fixture.Audit.ListAsync(new AuditQuery(Action: "ports.update"), Ct);
        Assert.Equal("eth0 lan, eth1 wan", audit[0].Details);
    }

    [Fact]
    public async Task A_stale_version_is_refused()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Store.UpdatePortsAsync(Roles, null, Samples.Admin, Ct);

        await Assert.ThrowsAsync<ConfigVersionMismatchException>(() => fixture.Store.UpdatePortsAsync([], expectedVersion: 0, Samples.Admin, Ct));

        Assert.Equal(3, (await fixture.Store.GetPortsAsync(Ct)).Value.Count);
    }

    [Fact]
    public async Task Invalid_ports_name_every_field_and_change_nothing()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        await fixture.Store.UpdatePortsAsync(Roles, null, Samples.Admin, Ct);
        var auditBefore = (await fixture.Audit.ListAsync(ct: Ct)).Count;
        PortConfig[] bad = [new() { Name = "eth0\n", Role = PortRole.Lan }, new() { Name = "eth1", Role = PortRole.Lan }, new() { Name = "eth1", Role = PortRole.Wan }];

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() => fixture.Store.UpdatePortsAsync(bad, null, Samples.Admin, Ct));

        Assert.Equal(["ports[0].name", "ports[1].role", "ports[2].name"], error.Errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Json(Roles), Json((await fixture.Store.GetPortsAsync(Ct)).Value));
        Assert.Equal(1, (await fixture.Store.GetPortsAsync(Ct)).Version);
        Assert.Equal(auditBefore, (await fixture.Audit.ListAsync(ct: Ct)).Count);
    }

    [Fact]
    public async Task Revisions_hold_the_ports_and_the_lan_and_a_rollback_restores_them()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        await fixture.Store.UpdatePortsAsync(Roles, null, Samples.Admin, Ct);
        var settings = (await fixture.Store.GetSettingsAsync(Ct)).Value;
        await fixture.Store.UpdateSettingsAsync(settings with { Lan = Lan }, null, Samples.Admin, Ct);
        var first = await fixture.Revisions.ApplyAsync("router", 0, Samples.Admin, Ct);

        Assert.Equal(Json(Roles), Json(fixture.Running.Current.Config.Ports));
        Assert.Equal(Json(Lan), Json(fixture.Running.Current.Config.Settings.Lan));
        Assert.Equal(Json(Roles), Json((await fixture.Revisions.GetAsync(first.Id, Ct)).Config.Ports));

        await fixture.Store.UpdatePortsAsync([.. Roles, new PortConfig { Name = "eth4", Role = PortRole.Unused }], null, Samples.Admin, Ct);
        await fixture.Store.UpdateSettingsAsync(settings, null, Samples.Admin, Ct);
        await fixture.Revisions.ApplyAsync("more", 0, Samples.Admin, Ct);
        Assert.Equal(4, fixture.Running.Current.Config.Ports.Count);

        await fixture.Revisions.RollbackAsync(first.Id, null, 0, Samples.Admin, Ct);

        Assert.Equal(Json(Roles), Json((await fixture.Store.GetPortsAsync(Ct)).Value));
        Assert.Equal(Json(Lan), Json((await fixture.Store.GetSettingsAsync(Ct)).Value.Lan));
        Assert.Equal(Json(Roles), Json(fixture.Running.Current.Config.Ports));
    }

    [Fact]
    public async Task Import_replaces_the_ports_and_the_lan_and_survives_a_restart()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Store.UpdatePortsAsync([new PortConfig { Name = "eth9", Role = PortRole.Lan }], null, Samples.Admin, Ct);
        var document = Samples.Rich() with { Ports = Roles, Settings = Samples.Rich().Settings with { Lan = Lan with { Interfaces = ["lan0"] } } };

        await fixture.Store.ImportAsync(document, Samples.Admin, Ct);
        await fixture.RestartAsync(Ct);

        Assert.Equal(ConfigJson.Serialize(document), ConfigJson.Serialize(await fixture.Store.GetPendingAsync(Ct)));
    }

    [Fact]
    public async Task A_version_1_document_imports_as_version_2_with_no_ports_and_default_lan_services()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        const string v1 = """
            {"version":1,
             "wans":[{"name":"dsl","interface":"eth1","gateway":"198.51.100.1","probes":{"targets":["198.51.100.1"]}},
                     {"name":"cable","interface":"eth2","gateway":"dhcp"}],
             "rules":[{"id":1,"description":"all"}],
             "settings":{"role":"edge","lan":{"interfaces":["lan0"],"addresses":["198.18.0.1/24"]},"hub":{"port":7443},"listen":{"address":"0.0.0.0","port":7443}}}
            """;

        await fixture.Store.ImportAsync(ConfigJson.Deserialize(v1), Samples.Admin, Ct);
        var pending = await fixture.Store.GetPendingAsync(Ct);

        Assert.Equal(ApplianceConfig.CurrentVersion, pending.Version);
        Assert.Empty(pending.Ports);
        Assert.Equal(AddressingMode.Static, pending.Wans[0].EffectiveAddressing.Mode);
        Assert.Equal(AddressingMode.Dhcp, pending.Wans[1].EffectiveAddressing.Mode);
        Assert.Equal(Json(new LanDhcpSettings()), Json(pending.Settings.Lan.Dhcp));
        Assert.Equal(Json(new LanDnsSettings()), Json(pending.Settings.Lan.Dns));
        Assert.Equal("lan", pending.Settings.Lan.Domain);

        var revision = await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);
        await using var db = await fixture.CreateDbContextAsync(Ct);
        var stored = await db.Revisions.AsNoTracking().SingleAsync(r => r.Id == revision.Id, Ct);
        Assert.StartsWith("""{"version":2,""", stored.ConfigJson, StringComparison.Ordinal);
        Assert.False((await fixture.Store.GetPendingStatusAsync(Ct)).HasChanges);
    }

    [Fact]
    public async Task A_revision_stored_as_version_1_runs_on_and_is_no_change_against_the_same_pending_copy()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Store.ImportAsync(Samples.Rich(), Samples.Admin, Ct);
        var revision = await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);
        await using (var db = await fixture.CreateDbContextAsync(Ct))
        {
            // As firmware before ports and addressing wrote it.
            var row = await db.Revisions.SingleAsync(r => r.Id == revision.Id, Ct);
            var old = System.Text.Json.Nodes.JsonNode.Parse(row.ConfigJson)!.AsObject();
            old["version"] = 1;
            old.Remove("ports");
            row.ConfigJson = old.ToJsonString();
            await db.SaveChangesAsync(Ct);
        }

        await fixture.RestartAsync(Ct);

        Assert.Equal(revision.Id, fixture.Running.Current.RevisionId);
        Assert.Equal(1, fixture.Running.Current.Config.Version);
        Assert.False((await fixture.Store.GetPendingStatusAsync(Ct)).HasChanges);
    }
}
