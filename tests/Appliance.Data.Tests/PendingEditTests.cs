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
        var store = fixture.Store;
        var a = await store.CreateRuleAsync(Described("a"), null, Samples.Admin, Ct);
        var b = await store.CreateRuleAsync(Described("b"), null, Samples.Admin, Ct);
        var c = await store.CreateRuleAsync(Described("c"), null, Samples.Admin, Ct);
        Assert.Equal(["a", "b", "c"], (await store.ListRulesAsync(Ct)).Select(r => r.Value.Description));

        var first = await store.CreateRuleAsync(Described("first"), 0, Samples.Admin, Ct);
        Assert.Equal(["first", "a", "b", "c"], (await store.ListRulesAsync(Ct)).Select(r => r.Value.Description));

        // Without "a" the list is first, b, c; "a" goes in at index 2 of that list.
        var moved = await store.UpdateRuleAsync(a.Value.Id, a.Value with { Description = "a moved" }, 2, a.Version, Samples.Admin, Ct);

        var rules = await store.ListRulesAsync(Ct);
        Assert.Equal(["first", "b", "a moved", "c"], rules.Select(r => r.Value.Description));
        Assert.Equal([first.Value.Id, b.Value.Id, a.Value.Id, c.Value.Id], rules.Select(r => r.Value.Id));
        Assert.Equal(2, moved.Version);
        // The pending document lists rules in the same order.
        Assert.Equal(["first", "b", "a moved", "c"], (await store.GetPendingAsync(Ct)).Rules.Select(r => r.Description));
        Assert.Equal(4, rules.Select(r => r.Value.Id).Distinct().Count());
    }

    [Fact]
    public async Task Rule_positions_past_the_end_append_and_updates_without_position_keep_the_place()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Store;
        await store.CreateRuleAsync(Described("a"), null, Samples.Admin, Ct);
        var b = await store.CreateRuleAsync(Described("b"), null, Samples.Admin, Ct);
        await store.CreateRuleAsync(Described("z"), 99, Samples.Admin, Ct);

        await store.UpdateRuleAsync(b.Value.Id, b.Value with { Description = "b2" }, null, b.Version, Samples.Admin, Ct);
        var last = await store.GetRuleAsync(b.Value.Id, Ct);
        await store.UpdateRuleAsync(b.Value.Id, last.Value, 0, last.Version, Samples.Admin, Ct);

        Assert.Equal(["b2", "a", "z"], (await store.ListRulesAsync(Ct)).Select(r => r.Value.Description));
    }

    [Fact]
    public async Task Deleting_a_rule_closes_the_gap_in_the_order()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Store;
        await store.CreateRuleAsync(Described("a"), null, Samples.Admin, Ct);
        var b = await store.CreateRuleAsync(Described("b"), null, Samples.Admin, Ct);
        await store.CreateRuleAsync(Described("c"), null, Samples.Admin, Ct);

        await store.DeleteRuleAsync(b.Value.Id, null, Samples.Admin, Ct);
        await store.CreateRuleAsync(Described("new second"), 1, Samples.Admin, Ct);

        Assert.Equal(["a", "new second", "c"], (await store.ListRulesAsync(Ct)).Select(r => r.Value.Description));
        await Assert.ThrowsAsync<ConfigNotFoundException>(() => store.GetRuleAsync(b.Value.Id, Ct));
    }

    [Fact]
    public async Task A_wan_is_created_read_updated_and_deleted_with_increasing_versions()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Store;
        var wan = Samples.Wan("dsl", "eth1", weight: 2, gateway: "198.51.100.254") with { Failback = FailbackPolicy.Move };

        var created = await store.CreateWanAsync(wan, Samples.Admin, Ct);
        Assert.Equal(1, created.Version);
        Assert.Equal(wan, (await store.GetWanAsync("dsl", Ct)).Value with { Probes = wan.Probes });
        Assert.Equal(wan.Probes.Targets, (await store.GetWanAsync("dsl", Ct)).Value.Probes.Targets);

        var updated = await store.UpdateWanAsync("dsl", wan with { Mode = WanMode.Backup, Tier = 2 }, 1, Samples.Admin, Ct);
        Assert.Equal(2, updated.Version);
        Assert.Equal(WanMode.Backup, (await store.GetWanAsync("dsl", Ct)).Value.Mode);

        await store.DeleteWanAsync("dsl", 2, Samples.Admin, Ct);
        await Assert.ThrowsAsync<ConfigNotFoundException>(() => store.GetWanAsync("dsl", Ct));
        Assert.Empty(await store.ListWansAsync(Ct));
    }

    [Fact]
    public async Task A_wan_name_cannot_be_reused_or_renamed()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Store;
        var wan = await store.CreateWanAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);

        await Assert.ThrowsAsync<ConfigConflictException>(() => store.CreateWanAsync(Samples.Wan("dsl", "eth2"), Samples.Admin, Ct));
        var rename = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            store.UpdateWanAsync("dsl", wan.Value with { Name = "fibre" }, null, Samples.Admin, Ct));

        Assert.Equal(["name"], rename.Errors.ToDictionary().Keys);
        Assert.Equal(["dsl"], (await store.ListWansAsync(Ct)).Select(w => w.Value.Name));
    }

    [Fact]
    public async Task Settings_are_stored_whole_and_versioned()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Store;
        var initial = await store.GetSettingsAsync(Ct);
        Assert.Equal(0, initial.Version);
        var settings = Samples.Rich().Settings;

        var saved = await store.UpdateSettingsAsync(settings, initial.Version, Samples.Admin, Ct);

        Assert.Equal(1, saved.Version);
        var read = await store.GetSettingsAsync(Ct);
        Assert.Equal(1, read.Version);
        Assert.Equal(
            ConfigJson.Serialize(ApplianceConfig.Empty with { Settings = settings }),
            ConfigJson.Serialize(ApplianceConfig.Empty with { Settings = read.Value }));
    }

    [Fact]
    public async Task Import_replaces_the_whole_pending_configuration()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Store;
        await store.CreateWanAsync(Samples.Wan("old", "eth7"), Samples.Admin, Ct);
        await store.CreateRuleAsync(Described("old rule"), null, Samples.Admin, Ct);
        var config = Samples.Rich();

        await store.ImportAsync(config, Samples.Admin, Ct);

        Assert.Equal(ConfigJson.Serialize(config), ConfigJson.Serialize(await store.GetPendingAsync(Ct)));
        await Assert.ThrowsAsync<ConfigNotFoundException>(() => store.GetWanAsync("old", Ct));
        Assert.All(await store.ListWansAsync(Ct), w => Assert.Equal(1, w.Version));
        // Nothing runs until apply.
        Assert.Equal(0, store.Current.RevisionId);
        Assert.True((await store.GetPendingStatusAsync(Ct)).HasChanges);
    }
}
