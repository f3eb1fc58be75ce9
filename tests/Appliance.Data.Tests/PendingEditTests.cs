using Appliance.Data.Store;
using Appliance.Engine.Configuration;

namespace Appliance.Data.Tests;

public sealed class PendingEditTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Rule Described(string description) => new() { Description = description };

    [Fact]
    public async Task Rules_are_inserted_and_moved_to_the_requested_positions()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var a = await fixture.Rules.CreateAsync(Described("a"), null, Samples.Admin, Ct);
        var b = await fixture.Rules.CreateAsync(Described("b"), null, Samples.Admin, Ct);
        var c = await fixture.Rules.CreateAsync(Described("c"), null, Samples.Admin, Ct);
        Assert.Equal(["a", "b", "c"], (await fixture.Rules.ListAsync(Ct)).Select(r => r.Value.Description));

        var first = await fixture.Rules.CreateAsync(Described("first"), 0, Samples.Admin, Ct);
        Assert.Equal(["first", "a", "b", "c"], (await fixture.Rules.ListAsync(Ct)).Select(r => r.Value.Description));

        // Without "a" the list is first, b, c; "a" goes in at index 2 of that list.
        var moved = await fixture.Rules.UpdateAsync(a.Value.Id, a.Value with { Description = "a moved" }, 2, a.Version, Samples.Admin, Ct);

        var rules = await fixture.Rules.ListAsync(Ct);
        Assert.Equal(["first", "b", "a moved", "c"], rules.Select(r => r.Value.Description));
        Assert.Equal([first.Value.Id, b.Value.Id, a.Value.Id, c.Value.Id], rules.Select(r => r.Value.Id));
        Assert.Equal(2, moved.Version);
        // The pending document lists rules in the same order.
        Assert.Equal(["first", "b", "a moved", "c"], (await fixture.Store.GetPendingAsync(Ct)).Rules.Select(r => r.Description));
        Assert.Equal(4, rules.Select(r => r.Value.Id).Distinct().Count());
    }

    [Fact]
    public async Task Rule_positions_past_the_end_append_and_updates_without_position_keep_the_place()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Rules.CreateAsync(Described("a"), null, Samples.Admin, Ct);
        var b = await fixture.Rules.CreateAsync(Described("b"), null, Samples.Admin, Ct);
        await fixture.Rules.CreateAsync(Described("z"), 99, Samples.Admin, Ct);

        await fixture.Rules.UpdateAsync(b.Value.Id, b.Value with { Description = "b2" }, null, b.Version, Samples.Admin, Ct);
        var last = await fixture.Rules.GetAsync(b.Value.Id, Ct);
        await fixture.Rules.UpdateAsync(b.Value.Id, last.Value, 0, last.Version, Samples.Admin, Ct);

        Assert.Equal(["b2", "a", "z"], (await fixture.Rules.ListAsync(Ct)).Select(r => r.Value.Description));
    }

    [Fact]
    public async Task Deleting_a_rule_closes_the_gap_in_the_order()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Rules.CreateAsync(Described("a"), null, Samples.Admin, Ct);
        var b = await fixture.Rules.CreateAsync(Described("b"), null, Samples.Admin, Ct);
        await fixture.Rules.CreateAsync(Described("c"), null, Samples.Admin, Ct);

        await fixture.Rules.DeleteAsync(b.Value.Id, null, Samples.Admin, Ct);
        await fixture.Rules.CreateAsync(Described("new second"), 1, Samples.Admin, Ct);

        Assert.Equal(["a", "new second", "c"], (await fixture.Rules.ListAsync(Ct)).Select(r => r.Value.Description));
        await Assert.ThrowsAsync<ConfigNotFoundException>(() => fixture.Rules.GetAsync(b.Value.Id, Ct));
    }

    [Fact]
    public async Task A_wan_is_created_read_updated_and_deleted_with_increasing_versions()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var wan = Samples.Wan("dsl", "eth1", weight: 2, gateway: "198.51.100.254") with { Failback = FailbackPolicy.Move };

        var created = await fixture.Wans.CreateAsync(wan, Samples.Admin, Ct);
        Assert.Equal(1, created.Version);
        Assert.Equal(wan, (await fixture.Wans.GetAsync("dsl", Ct)).Value with { Probes = wan.Probes });
        Assert.Equal(wan.Probes.Targets, (await fixture.Wans.GetAsync("dsl", Ct)).Value.Probes.Targets);

        var updated = await fixture.Wans.UpdateAsync("dsl", wan with { Mode = WanMode.Backup, Tier = 2 }, 1, Samples.Admin, Ct);
        Assert.Equal(2, updated.Version);
        Assert.Equal(WanMode.Backup, (await fixture.Wans.GetAsync("dsl", Ct)).Value.Mode);

        await fixture.Wans.DeleteAsync("dsl", 2, Samples.Admin, Ct);
        await Assert.ThrowsAsync<ConfigNotFoundException>(() => fixture.Wans.GetAsync("dsl", Ct));
        Assert.Empty(await fixture.Wans.ListAsync(Ct));
    }

    [Fact]
    public async Task A_wan_name_cannot_be_reused_or_renamed()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var wan = await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);

        await Assert.ThrowsAsync<ConfigConflictException>(() => fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth2"), Samples.Admin, Ct));
        var rename = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            fixture.Wans.UpdateAsync("dsl", wan.Value with { Name = "fibre" }, null, Samples.Admin, Ct));

        Assert.Equal(["name"], rename.Errors.ToDictionary().Keys);
        Assert.Equal(["dsl"], (await fixture.Wans.ListAsync(Ct)).Select(w => w.Value.Name));
    }

    [Fact]
    public async Task Settings_are_stored_whole_and_versioned()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var initial = await fixture.Store.GetSettingsAsync(Ct);
        Assert.Equal(0, initial.Version);
        var settings = Samples.Rich().Settings;

        var saved = await fixture.Store.UpdateSettingsAsync(settings, initial.Version, Samples.Admin, Ct);

        Assert.Equal(1, saved.Version);
        var read = await fixture.Store.GetSettingsAsync(Ct);
        Assert.Equal(1, read.Version);
        Assert.Equal(
            ConfigJson.Serialize(ApplianceConfig.Empty with { Settings = settings }),
            ConfigJson.Serialize(ApplianceConfig.Empty with { Settings = read.Value }));
    }

    [Fact]
    public async Task Import_replaces_the_whole_pending_configuration()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("old", "eth7"), Samples.Admin, Ct);
        await fixture.Rules.CreateAsync(Described("old rule"), null, Samples.Admin, Ct);
        var config = Samples.Rich();

        await fixture.Store.ImportAsync(config, Samples.Admin, Ct);

        Assert.Equal(ConfigJson.Serialize(config), ConfigJson.Serialize(await fixture.Store.GetPendingAsync(Ct)));
        await Assert.ThrowsAsync<ConfigNotFoundException>(() => fixture.Wans.GetAsync("old", Ct));
        Assert.All(await fixture.Wans.ListAsync(Ct), w => Assert.Equal(1, w.Version));
        // Nothing runs until apply.
        Assert.Equal(0, fixture.Running.Current.RevisionId);
        Assert.True((await fixture.Store.GetPendingStatusAsync(Ct)).HasChanges);
    }
}
