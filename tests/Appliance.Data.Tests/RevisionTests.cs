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

        var applied = await fixture.Revisions.ApplyAsync("initial", 0, Samples.Admin, Ct);
        var revision = await fixture.Revisions.GetAsync(applied.Id, Ct);

        Assert.Equal(expected, ConfigJson.Serialize(revision.Config));
        Assert.Equal(expected, ConfigJson.Serialize(await fixture.Store.GetPendingAsync(Ct)));
        Assert.Equal(applied.Id, fixture.Running.Current.RevisionId);
        Assert.Equal(expected, ConfigJson.Serialize(fixture.Running.Current.Config));
        Assert.Equal(RevisionStatus.Applied, revision.Revision.Status);
        Assert.Equal("initial", revision.Revision.Comment);
        Assert.Equal("admin", revision.Revision.Author);
        Assert.Equal(StoreFixture.Epoch, revision.Revision.CreatedAt);
        Assert.False((await fixture.Store.GetPendingStatusAsync(Ct)).HasChanges);

        await fixture.RestartAsync(Ct);

        var reloaded = fixture.Running.Current;
        Assert.Equal(applied.Id, reloaded.RevisionId);
        Assert.Equal(expected, ConfigJson.Serialize(reloaded.Config));
        Assert.Equal(StoreFixture.Epoch, reloaded.AppliedAt);
        Assert.Equal(expected, ConfigJson.Serialize(await fixture.Store.GetPendingAsync(Ct)));
    }

    [Fact]
    public async Task A_fresh_store_runs_nothing_and_reports_no_changes()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);

        Assert.Equal(0, fixture.Running.Current.RevisionId);
        Assert.Empty(await fixture.Revisions.ListAsync(Ct));
        var status = await fixture.Store.GetPendingStatusAsync(Ct);
        Assert.False(status.HasChanges);
        Assert.Null(status.AwaitingConfirmation);
    }

    [Fact]
    public async Task Each_apply_makes_a_new_numbered_revision_linked_to_the_previous_one()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var first = await fixture.Revisions.ApplyAsync("one", 0, Samples.Admin, Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("lte", "wwan0", tier: 2), Samples.Admin, Ct);
        Assert.True((await fixture.Store.GetPendingStatusAsync(Ct)).HasChanges);

        var second = await fixture.Revisions.ApplyAsync("two", 0, Samples.Operator, Ct);

        Assert.Equal(1, first.Id);
        Assert.Equal(2, second.Id);
        Assert.Null(first.PreviousRevisionId);
        Assert.Equal(1, second.PreviousRevisionId);
        Assert.Equal([2L, 1L], (await fixture.Revisions.ListAsync(Ct)).Select(r => r.Id));
        Assert.Equal(["dsl"], (await fixture.Revisions.GetAsync(1, Ct)).Config.Wans.Select(w => w.Name));
        Assert.Equal(["dsl", "lte"], fixture.Running.Current.Config.Wans.Select(w => w.Name));
    }

    [Fact]
    public async Task Rollback_creates_a_new_revision_restoring_the_old_content_in_running_and_pending_config()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1", weight: 2), Samples.Admin, Ct);
        var first = await fixture.Revisions.ApplyAsync("good", 0, Samples.Admin, Ct);
        var good = ConfigJson.Serialize((await fixture.Revisions.GetAsync(first.Id, Ct)).Config);
        await fixture.Wans.UpdateAsync("dsl", Samples.Wan("dsl", "eth1", weight: 9), null, Samples.Admin, Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("lte", "wwan0", tier: 2), Samples.Admin, Ct);
        await fixture.Rules.CreateAsync(new Rule { Action = RuleAction.Pin, Wan = "lte" }, null, Samples.Admin, Ct);
        var second = await fixture.Revisions.ApplyAsync("worse", 0, Samples.Admin, Ct);
        var notified = new List<long>();
        using var subscription = fixture.Running.Subscribe(s => notified.Add(s.RevisionId));

        var rollback = await fixture.Revisions.RollbackAsync(first.Id, null, 0, Samples.Operator, Ct);

        Assert.Equal(3, rollback.Id);
        Assert.Equal(first.Id, rollback.RollbackOf);
        Assert.Equal(second.Id, rollback.PreviousRevisionId);
        Assert.Equal(RevisionStatus.Applied, rollback.Status);
        Assert.Equal("rollback to revision 1", rollback.Comment);
        Assert.Equal("operator", rollback.Author);
        Assert.Equal(rollback.Id, fixture.Running.Current.RevisionId);
        Assert.Equal(good, ConfigJson.Serialize(fixture.Running.Current.Config));
        Assert.Equal(good, ConfigJson.Serialize((await fixture.Revisions.GetAsync(rollback.Id, Ct)).Config));
        Assert.Equal(good, ConfigJson.Serialize(await fixture.Store.GetPendingAsync(Ct)));
        Assert.Empty(await fixture.Rules.ListAsync(Ct));
        Assert.Equal(2, (await fixture.Wans.GetAsync("dsl", Ct)).Value.Weight);
        Assert.Equal([rollback.Id], notified);
        // The revision rolled back from stays in the history untouched.
        Assert.Equal(RevisionStatus.Applied, (await fixture.Revisions.GetAsync(second.Id, Ct)).Revision.Status);
    }

    [Fact]
    public async Task Rollback_keeps_rule_ids_so_later_edits_by_id_still_work()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var rule = await fixture.Rules.CreateAsync(new Rule { Description = "web", Protocol = RuleProtocol.Tcp, DestinationPorts = "443" }, null, Samples.Admin, Ct);
        await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);
        await fixture.Rules.DeleteAsync(rule.Value.Id, rule.Version, Samples.Admin, Ct);
        await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);

        await fixture.Revisions.RollbackAsync(1, "restore web rule", 0, Samples.Admin, Ct);

        var restored = await fixture.Rules.GetAsync(rule.Value.Id, Ct);
        Assert.Equal("web", restored.Value.Description);
        var updated = await fixture.Rules.UpdateAsync(rule.Value.Id, restored.Value with { DestinationPorts = "443,8443" }, null, restored.Version, Samples.Admin, Ct);
        Assert.Equal("443,8443", updated.Value.DestinationPorts);
    }

    [Fact]
    public async Task Marking_the_running_revision_failed_returns_to_the_previous_good_revision()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var good = await fixture.Revisions.ApplyAsync("good", 0, Samples.Admin, Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("lte", "wwan0"), Samples.Admin, Ct);
        var bad = await fixture.Revisions.ApplyAsync("bad", 0, Samples.Admin, Ct);
        var notified = new List<ConfigSnapshot>();
        using var subscription = fixture.Running.Subscribe(notified.Add);

        await fixture.Revisions.MarkFailedAsync(bad.Id, "nft: syntax error", Ct);

        var failed = (await fixture.Revisions.GetAsync(bad.Id, Ct)).Revision;
        Assert.Equal(RevisionStatus.Failed, failed.Status);
        Assert.Equal("nft: syntax error", failed.Error);
        Assert.Equal(good.Id, fixture.Running.Current.RevisionId);
        Assert.Equal(["dsl"], fixture.Running.Current.Config.Wans.Select(w => w.Name));
        Assert.Equal(good.Id, Assert.Single(notified).RevisionId);
        // Stays that way after a reboot.
        await fixture.RestartAsync(Ct);
        Assert.Equal(good.Id, fixture.Running.Current.RevisionId);
    }

    [Fact]
    public async Task Marking_the_only_revision_failed_runs_nothing()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var only = await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);

        await fixture.Revisions.MarkFailedAsync(only.Id, "boom", Ct);

        Assert.Equal(0, fixture.Running.Current.RevisionId);
        Assert.Empty(fixture.Running.Current.Config.Wans);
    }

    [Fact]
    public async Task Unknown_revisions_are_reported_as_not_found()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);

        await Assert.ThrowsAsync<Store.ConfigNotFoundException>(() => fixture.Revisions.GetAsync(42, Ct));
        await Assert.ThrowsAsync<Store.ConfigNotFoundException>(() => fixture.Revisions.RollbackAsync(42, null, 0, Samples.Admin, Ct));
        await Assert.ThrowsAsync<Store.ConfigNotFoundException>(() => fixture.Revisions.MarkFailedAsync(42, "x", Ct));
    }
}
