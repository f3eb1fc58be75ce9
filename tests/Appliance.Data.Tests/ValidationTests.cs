using Appliance.Data.Store;
using Appliance.Engine.Configuration;

namespace Appliance.Data.Tests;

public sealed class ValidationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyCollection<string> Keys(ConfigValidationException e) => e.Errors.ToDictionary().Keys.ToList();

    [Fact]
    public async Task Creating_a_wan_reports_every_bad_field_relative_to_the_wan_and_stores_nothing()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var auditBefore = (await fixture.Audit.ListAsync(ct: Ct)).Count;
        var bad = new WanLink { Name = "Bad Name", Interface = "eth0/1", Weight = 0, Tier = 10, Gateway = "not-an-ip" };

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() => fixture.Wans.CreateAsync(bad, Samples.Admin, Ct));

        Assert.Equal(["gateway", "interface", "name", "tier", "weight"], Keys(error).Order());
        Assert.DoesNotContain(Keys(error), k => k.StartsWith("wans", StringComparison.Ordinal));
        Assert.Equal(["dsl"], (await fixture.Wans.ListAsync(Ct)).Select(w => w.Value.Name));
        Assert.Equal(auditBefore, (await fixture.Audit.ListAsync(ct: Ct)).Count);
    }

    [Theory]
    [InlineData("abcdefghijklmnop")] // 16 characters: over IFNAMSIZ
    [InlineData("a..b")]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("eth0:1")]
    public async Task Bad_interface_names_are_rejected(string name)
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            fixture.Wans.CreateAsync(Samples.Wan("dsl", name), Samples.Admin, Ct));

        Assert.Equal(["interface"], Keys(error));
        Assert.Empty(await fixture.Wans.ListAsync(Ct));
    }

    [Theory]
    [InlineData("eth0.100")]
    [InlineData("wan-lte")]
    [InlineData("abcdefghijklmno")] // 15 characters: the longest Linux allows
    public async Task Good_interface_names_are_accepted(string name)
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);

        await fixture.Wans.CreateAsync(Samples.Wan("dsl", name), Samples.Admin, Ct);

        Assert.Equal(name, (await fixture.Wans.GetAsync("dsl", Ct)).Value.Interface);
    }

    [Fact]
    public async Task An_interface_cannot_serve_two_wans()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            fixture.Wans.CreateAsync(Samples.Wan("cable", "eth1"), Samples.Admin, Ct));

        Assert.Equal(["interface"], Keys(error));
    }

    [Fact]
    public async Task Bad_probe_targets_are_reported_per_target()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var wan = Samples.Wan("dsl", "eth1") with
        {
            Probes = new ProbeSettings { Targets = ["198.51.100.1", "probe.example", "tcp://203.0.113.5", "dns://resolver.example/x"] },
        };

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() => fixture.Wans.CreateAsync(wan, Samples.Admin, Ct));

        Assert.Equal(["probes.targets[1]", "probes.targets[2]", "probes.targets[3]"], Keys(error));
    }

    [Fact]
    public async Task A_rule_pinning_to_a_missing_wan_is_rejected()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            fixture.Rules.CreateAsync(new Rule { Action = RuleAction.Pin, Wan = "nope" }, null, Samples.Admin, Ct));

        Assert.Equal(["wan"], Keys(error));
        Assert.Empty(await fixture.Rules.ListAsync(Ct));
    }

    [Theory]
    [InlineData("198.51.100.1/24")] // host bits set
    [InlineData("203.0.113.0/33")]
    [InlineData("not-a-network")]
    public async Task Rules_with_bad_networks_are_rejected(string cidr)
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);

        var source = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            fixture.Rules.CreateAsync(new Rule { Source = cidr }, null, Samples.Admin, Ct));
        var destination = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            fixture.Rules.CreateAsync(new Rule { Destination = cidr }, null, Samples.Admin, Ct));

        Assert.Equal(["source"], Keys(source));
        Assert.Equal(["destination"], Keys(destination));
        Assert.Empty(await fixture.Rules.ListAsync(Ct));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("90-80")]
    [InlineData("80,")]
    [InlineData("http")]
    public async Task Rules_with_bad_ports_are_rejected(string ports)
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            fixture.Rules.CreateAsync(new Rule { Protocol = RuleProtocol.Tcp, DestinationPorts = ports }, null, Samples.Admin, Ct));

        Assert.Equal(["destinationPorts"], Keys(error));
        Assert.Empty(await fixture.Rules.ListAsync(Ct));
    }

    [Fact]
    public async Task Good_networks_and_ports_are_accepted()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);

        var rule = await fixture.Rules.CreateAsync(
            new Rule { Protocol = RuleProtocol.Udp, Source = "198.18.0.0/15", Destination = "192.0.2.7", DestinationPorts = "53,1-1024,65535" },
            null, Samples.Admin, Ct);

        Assert.Equal("192.0.2.7", (await fixture.Rules.GetAsync(rule.Value.Id, Ct)).Value.Destination);
    }

    [Fact]
    public async Task A_rule_reports_every_bad_field_at_once()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() => fixture.Rules.CreateAsync(
            new Rule { Protocol = RuleProtocol.Icmp, Source = "198.51.100.1/24", DestinationPorts = "80", Action = RuleAction.Bond, Wan = "dsl", Sticky = StickyMode.Source, Strict = true },
            null, Samples.Admin, Ct));

        Assert.Equal(["destinationPorts", "protocol", "source", "sticky", "strict", "wan"], Keys(error).Order());
    }

    [Fact]
    public async Task Apply_with_no_enabled_wan_is_refused_and_makes_no_revision()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1", enabled: false), Samples.Admin, Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() => fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct));

        Assert.Equal(["wans"], Keys(error));
        Assert.Empty(await fixture.Revisions.ListAsync(Ct));
        Assert.Equal(0, fixture.Running.Current.RevisionId);
    }

    [Fact]
    public async Task Apply_of_bonding_without_a_hub_names_each_missing_hub_setting()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1", mode: WanMode.Bond), Samples.Admin, Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() => fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct));

        Assert.Equal(["settings.hub.address", "settings.hub.edgeId", "settings.hub.key"], Keys(error));
        Assert.Empty(await fixture.Revisions.ListAsync(Ct));
    }

    [Fact]
    public async Task Importing_an_invalid_document_throws_and_leaves_the_pending_configuration_unchanged()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Store.ImportAsync(Samples.Rich(), Samples.Admin, Ct);
        var before = ConfigJson.Serialize(await fixture.Store.GetPendingAsync(Ct));
        var auditBefore = (await fixture.Audit.ListAsync(ct: Ct)).Count;
        var invalid = Samples.Rich() with
        {
            Wans = [Samples.Wan("ok", "eth3"), Samples.Wan("BAD", "eth4")],
            Rules = [new Rule { Id = 1, Action = RuleAction.Pin, Wan = "dsl" }],
        };

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() => fixture.Store.ImportAsync(invalid, Samples.Admin, Ct));

        Assert.Equal(["rules[0].wan", "wans[1].name"], Keys(error));
        Assert.Equal(before, ConfigJson.Serialize(await fixture.Store.GetPendingAsync(Ct)));
        Assert.Equal(auditBefore, (await fixture.Audit.ListAsync(ct: Ct)).Count);
    }

    [Fact]
    public async Task Importing_a_document_of_another_format_version_is_refused()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            fixture.Store.ImportAsync(Samples.Rich() with { Version = 99 }, Samples.Admin, Ct));

        Assert.Equal(["version"], Keys(error));
        Assert.Empty(await fixture.Wans.ListAsync(Ct));
    }

    [Fact]
    public async Task Deleting_a_wan_a_pin_rule_uses_is_refused()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("lte", "wwan0"), Samples.Admin, Ct);
        var rule = await fixture.Rules.CreateAsync(new Rule { Action = RuleAction.Pin, Wan = "lte" }, null, Samples.Admin, Ct);

        var error = await Assert.ThrowsAsync<ConfigConflictException>(() => fixture.Wans.DeleteAsync("lte", null, Samples.Admin, Ct));

        Assert.Contains(rule.Value.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.Equal(["dsl", "lte"], (await fixture.Wans.ListAsync(Ct)).Select(w => w.Value.Name));
        // Once the rule is gone the WAN can go too.
        await fixture.Rules.DeleteAsync(rule.Value.Id, null, Samples.Admin, Ct);
        await fixture.Wans.DeleteAsync("lte", null, Samples.Admin, Ct);
        Assert.Equal(["dsl"], (await fixture.Wans.ListAsync(Ct)).Select(w => w.Value.Name));
    }

    [Fact]
    public async Task An_edit_that_breaks_another_part_of_the_configuration_reports_it_with_its_full_path()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Store.UpdateSettingsAsync(new ApplianceSettings { Lan = new LanSettings { Interfaces = ["lan0"] } }, null, Samples.Admin, Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            fixture.Wans.CreateAsync(Samples.Wan("dsl", "lan0"), Samples.Admin, Ct));

        Assert.Equal(["interface", "settings.lan.interfaces[0]"], Keys(error).Order());
        Assert.Empty(await fixture.Wans.ListAsync(Ct));
    }

    [Fact]
    public async Task An_edit_is_not_blocked_by_problems_the_pending_configuration_already_had()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        // A WAN stored by older firmware with looser rules.
        await using (var db = await fixture.CreateDbContextAsync(Ct))
        {
            db.Wans.Add(new Entities.WanEntity(Samples.Wan("legacy", "eth9") with { Weight = 5000 }) { Version = 1 });
            await db.SaveChangesAsync(Ct);
        }

        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var fix = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            fixture.Wans.UpdateAsync("legacy", Samples.Wan("legacy", "eth9") with { Weight = 5000, Tier = 0 }, null, Samples.Admin, Ct));
        await fixture.Wans.UpdateAsync("legacy", Samples.Wan("legacy", "eth9", weight: 50), null, Samples.Admin, Ct);

        Assert.Equal(["tier"], Keys(fix));
        Assert.Equal([("legacy", 50), ("dsl", 1)], (await fixture.Wans.ListAsync(Ct)).Select(w => (w.Value.Name, w.Value.Weight)));
    }
}
