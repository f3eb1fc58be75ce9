using Appliance.Data.Store;
using Appliance.Engine.Configuration;

namespace Appliance.Data.Tests;

public sealed class AuditTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Wan_create_apply_and_confirm_are_audited_with_the_actor_and_source_that_made_them()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var alice = new ChangeContext("alice", "198.51.100.23");
        var bob = new ChangeContext("bob", "192.0.2.44");

        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), alice, Ct);
        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        var revision = await fixture.Revisions.ApplyAsync("first apply", 60, alice, Ct);
        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        await fixture.Revisions.ConfirmAsync(bob, Ct);

        var audit = await fixture.Audit.ListAsync(ct: Ct);

        Assert.Equal(["config.confirm", "config.apply", "wan.create"], audit.Select(a => a.Action));
        var create = audit[2];
        Assert.Equal(("alice", "198.51.100.23", "dsl", StoreFixture.Epoch), (create.Actor, create.Source, create.Target, create.Time));
        Assert.Contains("eth1", create.Details);
        var apply = audit[1];
        Assert.Equal(("alice", "198.51.100.23", $"revision {revision.Id}"), (apply.Actor, apply.Source, apply.Target));
        Assert.Equal(StoreFixture.Epoch.AddSeconds(5), apply.Time);
        Assert.Contains("60 s", apply.Details);
        Assert.Contains("first apply", apply.Details);
        var confirm = audit[0];
        Assert.Equal(("bob", "192.0.2.44", $"revision {revision.Id}"), (confirm.Actor, confirm.Source, confirm.Target));
        Assert.Equal(StoreFixture.Epoch.AddSeconds(10), confirm.Time);
        Assert.True(audit[0].Id > audit[1].Id && audit[1].Id > audit[2].Id);
        Assert.Equal("alice", (await fixture.Revisions.GetAsync(revision.Id, Ct)).Revision.Author);
    }

    [Fact]
    public async Task Every_kind_of_edit_leaves_an_audit_entry()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var who = Samples.Operator;

        var wan = await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), who, Ct);
        await fixture.Wans.UpdateAsync("dsl", wan.Value with { Weight = 2 }, null, who, Ct);
        var rule = await fixture.Rules.CreateAsync(new Rule { Description = "x" }, null, who, Ct);
        await fixture.Rules.UpdateAsync(rule.Value.Id, rule.Value with { Description = "y" }, null, null, who, Ct);
        await fixture.Rules.DeleteAsync(rule.Value.Id, null, who, Ct);
        await fixture.Store.UpdateSettingsAsync(new ApplianceSettings(), null, who, Ct);
        await fixture.Revisions.ApplyAsync(null, 0, who, Ct);
        await fixture.Revisions.RollbackAsync(1, null, 0, who, Ct);
        await fixture.Store.ImportAsync(Samples.Rich(), who, Ct);
        await fixture.Wans.DeleteAsync("spare", null, who, Ct);
        await fixture.Audit.RecordAsync(who, "auth.login", "session", "password", Ct);

        var audit = await fixture.Audit.ListAsync(ct: Ct);

        Assert.Equal(
            ["wan.create", "wan.update", "rule.create", "rule.update", "rule.delete", "settings.update", "config.apply", "config.rollback", "config.import", "wan.delete", "auth.login"],
            audit.Reverse().Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(("operator", "203.0.113.9"), (a.Actor, a.Source)));
    }

    [Fact]
    public async Task Timer_reverts_and_engine_failures_are_audited_as_the_system()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);
        await fixture.Revisions.ApplyAsync(null, 10, Samples.Admin, Ct);

        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => fixture.Running.Current.RevisionId == 1, "the revert");
        await fixture.Revisions.MarkFailedAsync(1, "kernel said no", Ct);

        var audit = await fixture.Audit.ListAsync(ct: Ct);
        var failed = audit[0];
        Assert.Equal(("config.failed", "revision 1", "kernel said no", "system", "system"), (failed.Action, failed.Target, failed.Details, failed.Actor, failed.Source));
        var revert = audit[1];
        Assert.Equal(("config.revert", "revision 2", "system", "system"), (revert.Action, revert.Target, revert.Actor, revert.Source));
        Assert.Equal(StoreFixture.Epoch.AddSeconds(10), revert.Time);
    }

    [Fact]
    public async Task The_audit_list_is_newest_first_and_limited()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        for (var i = 0; i < 5; i++)
        {
            await fixture.Audit.RecordAsync(Samples.Admin, "test.entry", $"n{i}", "", Ct);
        }

        var latest = await fixture.Audit.ListAsync(2, Ct);

        Assert.Equal(["n4", "n3"], latest.Select(a => a.Target));
    }
}
