using Appliance.Data.Entities;
using Appliance.Data.Store;

namespace Appliance.Data.Tests;

/// <summary>What the engine sees (Current, change notifications) and the confirm countdown follow committed data only.</summary>
public sealed class NotificationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Edit_listeners_hear_of_committed_edits_applies_and_reverts_but_not_of_refused_edits_or_audit_lines()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edits = 0;
        using var subscription = fixture.Store.SubscribeEdits(() => Interlocked.Increment(ref edits));

        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        Assert.Equal(1, edits);
        await Assert.ThrowsAsync<ConfigValidationException>(
            () => fixture.Wans.CreateAsync(Samples.Wan("bad", "eth2", weight: 0), Samples.Admin, Ct));
        await fixture.Audit.RecordAsync(Samples.Admin, "auth.login", "admin", "from 192.0.2.7", Ct);
        Assert.Equal(1, edits);

        await fixture.Revisions.ApplyAsync(null, 30, Samples.Admin, Ct);
        Assert.Equal(2, edits);
        fixture.Time.Advance(TimeSpan.FromSeconds(31));
        await Eventually.TrueAsync(() => Volatile.Read(ref edits) == 3, "the revert to be announced");
    }

    [Fact]
    public async Task A_subscriber_can_read_the_revision_it_is_told_about()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var seen = new List<string>();
        using var subscription = fixture.Running.Subscribe(s =>
        {
            try
            {
                // Another connection, as the engine or the UI would use.
                var detail = fixture.Revisions.GetAsync(s.RevisionId, CancellationToken.None).GetAwaiter().GetResult();
                seen.Add($"{s.RevisionId}:{detail.Revision.Status}");
            }
            catch (Exception ex)
            {
                seen.Add($"{s.RevisionId}:{ex.GetType().Name}");
            }
        });

        await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);
        await fixture.Revisions.ApplyAsync(null, 30, Samples.Admin, Ct);
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => fixture.Running.Current.RevisionId == 1, "the revert");

        Assert.Equal(["1:Applied", "2:Pending", "1:Applied"], seen);
    }

    [Fact]
    public async Task An_apply_that_fails_to_commit_is_never_published_and_starts_no_countdown()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var first = await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("lte", "wwan0"), Samples.Admin, Ct);
        var notified = new List<long>();
        using var subscription = fixture.Running.Subscribe(s => notified.Add(s.RevisionId));

        fixture.Faults.FailNextCommit();
        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Revisions.ApplyAsync(null, 30, Samples.Admin, Ct));

        Assert.Equal(first.Id, fixture.Running.Current.RevisionId);
        Assert.Empty(notified);
        Assert.Equal([first.Id], (await fixture.Revisions.ListAsync(Ct)).Select(r => r.Id));
        // Applying again works and numbers the revision as if the failed attempt never happened.
        var retry = await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);
        Assert.Equal(retry.Id, fixture.Running.Current.RevisionId);
        Assert.Equal([retry.Id], notified);
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(100, Ct);
        Assert.Equal(retry.Id, fixture.Running.Current.RevisionId);
    }

    [Fact]
    public async Task A_confirm_that_fails_to_commit_leaves_the_countdown_running()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);
        await fixture.Revisions.ApplyAsync(null, 30, Samples.Admin, Ct);

        fixture.Faults.FailNextCommit();
        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Revisions.ConfirmAsync(Samples.Admin, Ct));

        Assert.Equal(RevisionStatus.Pending, (await fixture.Revisions.GetAsync(2, Ct)).Revision.Status);
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => fixture.Running.Current.RevisionId == 1, "the revert of the unconfirmed revision");
        Assert.Equal(RevisionStatus.Reverted, (await fixture.Revisions.GetAsync(2, Ct)).Revision.Status);
    }

    [Fact]
    public async Task A_rollback_that_fails_to_commit_changes_nothing_and_leaves_the_countdown_running()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("lte", "wwan0"), Samples.Admin, Ct);
        await fixture.Revisions.ApplyAsync(null, 30, Samples.Admin, Ct);
        var notified = new List<long>();
        using var subscription = fixture.Running.Subscribe(s => notified.Add(s.RevisionId));

        fixture.Faults.FailNextCommit();
        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Revisions.RollbackAsync(1, null, 0, Samples.Admin, Ct));

        Assert.Equal(2, fixture.Running.Current.RevisionId);
        Assert.Empty(notified);
        Assert.Equal([2L, 1L], (await fixture.Revisions.ListAsync(Ct)).Select(r => r.Id));
        Assert.Equal(["dsl", "lte"], (await fixture.Wans.ListAsync(Ct)).Select(w => w.Value.Name));
        Assert.Equal(RevisionStatus.Pending, (await fixture.Revisions.GetAsync(2, Ct)).Revision.Status);
        // Revision 2 was never confirmed, so it must still revert on time.
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => fixture.Running.Current.RevisionId == 1, "the revert of the still unconfirmed revision");
        Assert.Equal([1L], notified);
    }

    [Fact]
    public async Task Disposing_a_subscription_stops_its_notifications()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        var kept = new List<long>();
        var dropped = new List<long>();
        using var keep = fixture.Running.Subscribe(s => kept.Add(s.RevisionId));
        var drop = fixture.Running.Subscribe(s => dropped.Add(s.RevisionId));
        using var failing = fixture.Running.Subscribe(_ => throw new InvalidOperationException("a broken subscriber"));

        await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);
        drop.Dispose();
        await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);

        Assert.Equal([1L, 2L], kept);
        Assert.Equal([1L], dropped);
    }
}
