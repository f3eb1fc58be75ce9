using Appliance.Data.Entities;
using Appliance.Engine.Configuration;

namespace Appliance.Data.Tests;

public sealed class RevisionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_imported_configuration_round_trips_exactly_through_pending_revision_and_restart()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var config = Samples.Rich();
        var expected = ConfigJson.Serialize(config);

        await fixture.Store.ImportAsync(config, Samples.Admin, Ct);
        Assert.Equal(expected, ConfigJson.Serialize(await fixture.Store.GetPendingAsync(Ct)));

        var applied = await fixture.Store.ApplyAsync("initial", 0, Samples.Admin, Ct);
        var revision = await fixture.Store.GetRevisionAsync(applied.Id, Ct);

        Assert.Equal(expected, ConfigJson.Serialize(revision.Config));
        Assert.Equal(expected, ConfigJson.Serialize(await fixture.Store.GetPendingAsync(Ct)));
        Assert.Equal(applied.Id, fixture.Store.Current.RevisionId);
        Assert.Equal(expected, ConfigJson.Serialize(fixture.Store.Current.Config));
        Assert.Equal(RevisionStatus.Applied, revision.Revision.Status);
        Assert.Equal("initial", revision.Revision.Comment);
        Assert.Equal("admin", revision.Revision.Author);
        Assert.Equal(StoreFixture.Epoch, revision.Revision.CreatedAt);
        Assert.False((await fixture.Store.GetPendingStatusAsync(Ct)).HasChanges);

        await fixture.RestartAsync(Ct);

        var reloaded = fixture.Store.Current;
        Assert.Equal(applied.Id, reloaded.RevisionId);
        Assert.Equal(expected, ConfigJson.Serialize(reloaded.Config));
        Assert.Equal(StoreFixture.Epoch, reloaded.AppliedAt);
        Assert.Equal(expected, ConfigJson.Serialize(await fixture.Store.GetPendingAsync(Ct)));
    }

    [Fact]
    public async Task A_fresh_store_runs_nothing_and_reports_no_changes()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);

        Assert.Equal(0, fixture.Store.Current.RevisionId);
        Assert.Empty(await fixture.Store.ListRevisionsAsync(Ct));
        var status = await fixture.Store.GetPendingStatusAsync(Ct);
        Assert.False(status.HasChanges);
        Assert.Null(status.AwaitingConfirmation);
    }

    [Fact]
    public async Task Each_apply_makes_a_new_numbered_revision_linked_to_the_previous_one()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Store;
        await store.CreateWanAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var first = await store.ApplyAsync("one", 0, Samples.Admin, Ct);
        await store.CreateWanAsync(Samples.Wan("lte", "wwan0", tier: 2), Samples.Admin, Ct);
        Assert.True((await store.GetPendingStatusAsync(Ct)).HasChanges);

        var second = await store.ApplyAsync("two", 0, Samples.Operator, Ct);

        Assert.Equal(1, first.Id);
        Assert.Equal(2, second.Id);
        Assert.Null(first.PreviousRevisionId);
        Assert.Equal(1, second.PreviousRevisionId);
        Assert.Equal([2L, 1L], (await store.ListRevisionsAsync(Ct)).Select(r => r.Id));
        Assert.Equal(["dsl"], (await store.GetRevisionAsync(1, Ct)).Config.Wans.Select(w => w.Name));
        Assert.Equal(["dsl", "lte"], store.Current.Config.Wans.Select(w => w.Name));
    }

    [Fact]
    public async Task Rollback_creates_a_new_revision_restoring_the_old_content_in_running_and_pending_config()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Store;
        await store.CreateWanAsync(Samples.Wan("dsl", "eth1", weight: 2), Samples.Admin, Ct);
        var first = await store.ApplyAsync("good", 0, Samples.Admin, Ct);
        var good = ConfigJson.Serialize((await store.GetRevisionAsync(first.Id, Ct)).Config);
        await store.UpdateWanAsync("dsl", Samples.Wan("dsl", "eth1", weight: 9), null, Samples.Admin, Ct);
        await store.CreateWanAsync(Samples.Wan("lte", "wwan0", tier: 2), Samples.Admin, Ct);
        await store.CreateRuleAsync(new Rule { Action = RuleAction.Pin, Wan = "lte" }, null, Samples.Admin, Ct);
        var second = await store.ApplyAsync("worse", 0, Samples.Admin, Ct);
        var notified = new List<long>();
        using var subscription = store.Subscribe(s => notified.Add(s.RevisionId));

        var rollback = await store.RollbackAsync(first.Id, null, 0, Samples.Operator, Ct);

        Assert.Equal(3, rollback.Id);
        Assert.Equal(first.Id, rollback.RollbackOf);
        Assert.Equal(second.Id, rollback.PreviousRevisionId);
        Assert.Equal(RevisionStatus.Applied, rollback.Status);
        Assert.Equal("rollback to revision 1", rollback.Comment);
        Assert.Equal("operator", rollback.Author);
        Assert.Equal(rollback.Id, store.Current.RevisionId);
        Assert.Equal(good, ConfigJson.Serialize(store.Current.Config));
        Assert.Equal(good, ConfigJson.Serialize((await store.GetRevisionAsync(rollback.Id, Ct)).Config));
        Assert.Equal(good, ConfigJson.Serialize(await store.GetPendingAsync(Ct)));
        Assert.Empty(await store.ListRulesAsync(Ct));
        Assert.Equal(2, (await store.GetWanAsync("dsl", Ct)).Value.Weight);
        Assert.Equal([rollback.Id], notified);
        // The revision rolled back from stays in the history untouched.
        Assert.Equal(RevisionStatus.Applied, (await store.GetRevisionAsync(second.Id, Ct)).Revision.Status);
    }

    [Fact]
    public async Task Rollback_keeps_rule_ids_so_later_edits_by_id_still_work()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Store;
        await store.CreateWanAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var rule = await store.CreateRuleAsync(new Rule { Description = "web", Protocol = RuleProtocol.Tcp, DestinationPorts = "443" }, null, Samples.Admin, Ct);
        await store.ApplyAsync(null, 0, Samples.Admin, Ct);
        await store.DeleteRuleAsync(rule.Value.Id, rule.Version, Samples.Admin, Ct);
        await store.ApplyAsync(null, 0, Samples.Admin, Ct);

        await store.RollbackAsync(1, "restore web rule", 0, Samples.Admin, Ct);

        var restored = await store.GetRuleAsync(rule.Value.Id, Ct);
        Assert.Equal("web", restored.Value.Description);
        var updated = await store.UpdateRuleAsync(rule.Value.Id, restored.Value with { DestinationPorts = "443,8443" }, null, restored.Version, Samples.Admin, Ct);
        Assert.Equal("443,8443", updated.Value.DestinationPorts);
    }

    [Fact]
    public async Task Marking_the_running_revision_failed_returns_to_the_previous_good_revision()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Store;
        await store.CreateWanAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var good = await store.ApplyAsync("good", 0, Samples.Admin, Ct);
        await store.CreateWanAsync(Samples.Wan("lte", "wwan0"), Samples.Admin, Ct);
        var bad = await store.ApplyAsync("bad", 0, Samples.Admin, Ct);
        var notified = new List<ConfigSnapshot>();
        using var subscription = store.Subscribe(notified.Add);

        await store.MarkFailedAsync(bad.Id, "nft: syntax error", Ct);

        var failed = (await store.GetRevisionAsync(bad.Id, Ct)).Revision;
        Assert.Equal(RevisionStatus.Failed, failed.Status);
        Assert.Equal("nft: syntax error", failed.Error);
        Assert.Equal(good.Id, store.Current.RevisionId);
        Assert.Equal(["dsl"], store.Current.Config.Wans.Select(w => w.Name));
        Assert.Equal(good.Id, Assert.Single(notified).RevisionId);
        // Stays that way after a reboot.
        await fixture.RestartAsync(Ct);
        Assert.Equal(good.Id, fixture.Store.Current.RevisionId);
    }

    [Fact]
    public async Task Marking_the_only_revision_failed_runs_nothing()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Store;
        await store.CreateWanAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var only = await store.ApplyAsync(null, 0, Samples.Admin, Ct);

        await store.MarkFailedAsync(only.Id, "boom", Ct);

        Assert.Equal(0, store.Current.RevisionId);
        Assert.Empty(store.Current.Config.Wans);
    }

    [Fact]
    public async Task Unknown_revisions_are_reported_as_not_found()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);

        await Assert.ThrowsAsync<Store.ConfigNotFoundException>(() => fixture.Store.GetRevisionAsync(42, Ct));
        await Assert.ThrowsAsync<Store.ConfigNotFoundException>(() => fixture.Store.RollbackAsync(42, null, 0, Samples.Admin, Ct));
        await Assert.ThrowsAsync<Store.ConfigNotFoundException>(() => fixture.Store.MarkFailedAsync(42, "x", Ct));
    }
}
