using System.Collections.Concurrent;
using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Data.Tests;

public sealed class CommitConfirmTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Revision 1 runs dsl at weight 1 (no confirm); the pending copy then has weight 7.</summary>
    private static async Task<RevisionInfo> ApplyFirstThenEditAsync(StoreFixture fixture)
    {
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1", weight: 1), Samples.Admin, Ct);
        var first = await fixture.Revisions.ApplyAsync("baseline", 0, Samples.Admin, Ct);
        var wan = await fixture.Wans.GetAsync("dsl", Ct);
        await fixture.Wans.UpdateAsync("dsl", wan.Value with { Weight = 7 }, wan.Version, Samples.Admin, Ct);
        return first;
    }

    /// <summary>A clock whose first timer fires a little before the wall-clock deadline, as a real timer may.</summary>
    private sealed class EarlyTimers(TimeSpan early) : Microsoft.Extensions.Time.Testing.FakeTimeProvider(StoreFixture.Epoch)
    {
        private int _fired;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            base.CreateTimer(callback, state, Interlocked.Exchange(ref _fired, 1) == 0 && dueTime > early ? dueTime - early : dueTime, period);
    }

    [Fact]
    public async Task A_confirm_timer_that_fires_early_still_reverts_once_the_deadline_passes()
    {
        var time = new EarlyTimers(TimeSpan.FromMilliseconds(3));
        await using var fixture = await StoreFixture.StartAsync(Ct, time);
        var first = await ApplyFirstThenEditAsync(fixture);
        var second = await fixture.Revisions.ApplyAsync("risky", 5, Samples.Admin, Ct);

        // The timer fires 3 ms before the deadline; the store must wait out the rest, not give up.
        time.Advance(TimeSpan.FromMilliseconds(4_998));
        await Task.Delay(100, Ct);
        Assert.Equal(RevisionStatus.Pending, (await fixture.Revisions.GetAsync(second.Id, Ct)).Revision.Status);

        time.Advance(TimeSpan.FromMilliseconds(10));
        await Eventually.TrueAsync(() => fixture.Running.Current.RevisionId == first.Id, "the revert to revision 1");
        Assert.Equal(RevisionStatus.Reverted, (await fixture.Revisions.GetAsync(second.Id, Ct)).Revision.Status);
    }

    [Fact]
    public async Task Commit_confirm_reverts_on_the_virtual_clock_when_not_confirmed()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var first = await ApplyFirstThenEditAsync(fixture);
        var notified = new ConcurrentQueue<ConfigSnapshot>();
        using var subscription = fixture.Running.Subscribe(notified.Enqueue);

        var second = await fixture.Revisions.ApplyAsync("risky", 30, Samples.Admin, Ct);

        Assert.Equal(2, second.Id);
        Assert.Equal(RevisionStatus.Pending, second.Status);
        Assert.Equal(StoreFixture.Epoch.AddSeconds(30), second.ConfirmDeadline);
        Assert.Equal(2, fixture.Running.Current.RevisionId);
        Assert.Equal(7, fixture.Running.Current.Config.Wans[0].Weight);
        Assert.Equal(2, (await fixture.Store.GetPendingStatusAsync(Ct)).AwaitingConfirmation?.Id);

        fixture.Time.Advance(TimeSpan.FromSeconds(29));
        // Give a wrongly early revert every chance to show up before checking that none happened.
        await Task.Delay(100, Ct);
        Assert.Equal(2, fixture.Running.Current.RevisionId);
        Assert.Equal(RevisionStatus.Pending, (await fixture.Revisions.GetAsync(2, Ct)).Revision.Status);

        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => fixture.Running.Current.RevisionId == first.Id, "the revert to revision 1");

        var reverted = (await fixture.Revisions.GetAsync(2, Ct)).Revision;
        Assert.Equal(RevisionStatus.Reverted, reverted.Status);
        Assert.Null(reverted.ConfirmDeadline);
        Assert.False(string.IsNullOrEmpty(reverted.Error));
        Assert.Equal(1, fixture.Running.Current.Config.Wans[0].Weight);
        await Eventually.TrueAsync(() => notified.Any(s => s.RevisionId == first.Id), "the subscriber to hear of revision 1");
        Assert.Equal([2L, 1L], notified.Select(s => s.RevisionId));
        // Nothing the user saved is lost: the pending copy still holds the edit, ready to fix and apply again.
        Assert.Equal(7, (await fixture.Wans.GetAsync("dsl", Ct)).Value.Weight);
        var status = await fixture.Store.GetPendingStatusAsync(Ct);
        Assert.True(status.HasChanges);
        Assert.Null(status.AwaitingConfirmation);
        Assert.Contains(await fixture.Audit.ListAsync(ct: Ct), a => a.Action == "config.revert" && a.Target == "revision 2" && a.Actor == "system");
        // Once reverted, applying again is allowed.
        var third = await fixture.Revisions.ApplyAsync("again", 0, Samples.Admin, Ct);
        Assert.Equal(3, fixture.Running.Current.RevisionId);
        Assert.Equal(first.Id, third.PreviousRevisionId);
    }

    [Fact]
    public async Task A_revert_whose_write_fails_is_retried_with_backoff_until_it_lands_and_the_status_says_so()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var loops = fixture.Services.GetRequiredService<LoopMonitor>();
        var first = await ApplyFirstThenEditAsync(fixture);
        var second = await fixture.Revisions.ApplyAsync("cuts the admin off", 30, Samples.Admin, Ct);
        // The database is busy or full for the first three attempts.
        fixture.Faults.FailNextCommits(3);

        fixture.Time.Advance(TimeSpan.FromSeconds(30));

        await Eventually.TrueAsync(() => fixture.Faults.Failed == 1 && Revert(loops) is { Failures: 1 }, "the first attempt to fail");
        var retrying = Revert(loops)!;
        Assert.Equal(LoopStates.Retrying, retrying.State);
        Assert.Equal($"revert of revision {second.Id} pending: retrying in 1 s (last error: InvalidOperationException: Injected commit failure (disk full).)", retrying.Message);
        Assert.Equal(second.Id, fixture.Running.Current.RevisionId);

        // 1 s, then 2 s, then 4 s: each attempt comes exactly when due, not before.
        foreach (var (pause, attempt) in new[] { (1, 2), (2, 3) })
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(pause) - TimeSpan.FromMilliseconds(1));
            await Task.Delay(100, Ct);
            Assert.Equal(attempt - 1, fixture.Faults.Failed);
            fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
            await Eventually.TrueAsync(() => fixture.Faults.Failed == attempt && Revert(loops) is { } r && r.Failures == attempt, $"attempt {attempt} to fail");
        }
        Assert.Equal(second.Id, fixture.Running.Current.RevisionId);
        Assert.Contains("retrying in 4 s", Revert(loops)!.Message, StringComparison.Ordinal);

        fixture.Time.Advance(TimeSpan.FromSeconds(4));

        await Eventually.TrueAsync(() => fixture.Running.Current.RevisionId == first.Id, "the revert to land");
        Assert.Equal(RevisionStatus.Reverted, (await fixture.Revisions.GetAsync(second.Id, Ct)).Revision.Status);
        await Eventually.TrueAsync(() => Revert(loops) is null, "the retry to leave the status");
        Assert.Single(await fixture.Audit.ListAsync(new AuditQuery(Action: "config.revert"), Ct));
    }

    [Fact]
    public async Task Confirming_while_a_failed_revert_waits_for_its_retry_keeps_the_revision_and_ends_the_retry()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var loops = fixture.Services.GetRequiredService<LoopMonitor>();
        await ApplyFirstThenEditAsync(fixture);
        var second = await fixture.Revisions.ApplyAsync("risky", 30, Samples.Admin, Ct);
        fixture.Faults.FailNextCommit();
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => Revert(loops) is not null, "the failed revert to be reported");

        await fixture.Revisions.ConfirmAsync(Samples.Operator, Ct);

        Assert.Null(Revert(loops));
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(100, Ct);
        Assert.Equal(second.Id, fixture.Running.Current.RevisionId);
        Assert.Equal(RevisionStatus.Confirmed, (await fixture.Revisions.GetAsync(second.Id, Ct)).Revision.Status);
        Assert.Null(Revert(loops));
    }

    private static LoopStatus? Revert(LoopMonitor loops) => loops.Snapshot().SingleOrDefault(l => l.Name == CommitConfirmTimer.LoopName);

    [Fact]
    public async Task Confirming_before_the_deadline_keeps_the_revision_however_far_the_clock_moves()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await ApplyFirstThenEditAsync(fixture);
        await fixture.Revisions.ApplyAsync("risky", 30, Samples.Admin, Ct);
        fixture.Time.Advance(TimeSpan.FromSeconds(20));

        var confirmed = await fixture.Revisions.ConfirmAsync(Samples.Operator, Ct);

        Assert.Equal(2, confirmed.Id);
        Assert.Equal(RevisionStatus.Confirmed, confirmed.Status);
        Assert.Null(confirmed.ConfirmDeadline);
        fixture.Time.Advance(TimeSpan.FromHours(2));
        await Task.Delay(100, Ct);
        Assert.Equal(2, fixture.Running.Current.RevisionId);
        Assert.Equal(RevisionStatus.Confirmed, (await fixture.Revisions.GetAsync(2, Ct)).Revision.Status);
        Assert.Null((await fixture.Store.GetPendingStatusAsync(Ct)).AwaitingConfirmation);
        // Nothing is left to confirm.
        await Assert.ThrowsAsync<ConfigConflictException>(() => fixture.Revisions.ConfirmAsync(Samples.Operator, Ct));
    }

    [Fact]
    public async Task A_second_apply_while_one_awaits_confirmation_is_refused()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await ApplyFirstThenEditAsync(fixture);
        await fixture.Revisions.ApplyAsync("risky", 30, Samples.Admin, Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("lte", "wwan0"), Samples.Admin, Ct);

        await Assert.ThrowsAsync<ConfigConflictException>(() => fixture.Revisions.ApplyAsync("another", 0, Samples.Admin, Ct));
        await Assert.ThrowsAsync<ConfigConflictException>(() => fixture.Revisions.ApplyAsync("another", 60, Samples.Admin, Ct));

        Assert.Equal(2, fixture.Running.Current.RevisionId);
        Assert.Equal(2, (await fixture.Revisions.ListAsync(Ct)).Count);
        Assert.Equal(RevisionStatus.Pending, (await fixture.Revisions.GetAsync(2, Ct)).Revision.Status);
    }

    [Fact]
    public async Task A_restart_resumes_the_countdown_and_reverts_when_it_runs_out()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await ApplyFirstThenEditAsync(fixture);
        await fixture.Revisions.ApplyAsync("risky", 30, Samples.Admin, Ct);
        fixture.Time.Advance(TimeSpan.FromSeconds(10));

        await fixture.RestartAsync(Ct);

        Assert.Equal(2, fixture.Running.Current.RevisionId);
        Assert.Equal(2, (await fixture.Store.GetPendingStatusAsync(Ct)).AwaitingConfirmation?.Id);
        fixture.Time.Advance(TimeSpan.FromSeconds(19));
        await Task.Delay(100, Ct);
        Assert.Equal(2, fixture.Running.Current.RevisionId);

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => fixture.Running.Current.RevisionId == 1, "the revert to revision 1 after the restart");
        Assert.Equal(RevisionStatus.Reverted, (await fixture.Revisions.GetAsync(2, Ct)).Revision.Status);
        Assert.Equal(7, (await fixture.Wans.GetAsync("dsl", Ct)).Value.Weight);
    }

    [Fact]
    public async Task A_restart_after_the_deadline_passed_reverts_at_once()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await ApplyFirstThenEditAsync(fixture);
        await fixture.Revisions.ApplyAsync("risky", 30, Samples.Admin, Ct);

        // The box was off while the window ran out.
        await fixture.RestartAsync(Ct, downtime: TimeSpan.FromMinutes(5));

        await Eventually.TrueAsync(() => fixture.Running.Current.RevisionId == 1, "the revert of the expired revision");
        Assert.Equal(RevisionStatus.Reverted, (await fixture.Revisions.GetAsync(2, Ct)).Revision.Status);
    }

    [Fact]
    public async Task Rollback_while_a_revision_awaits_confirmation_abandons_it_and_stops_the_countdown()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await ApplyFirstThenEditAsync(fixture);
        await fixture.Revisions.ApplyAsync("risky", 30, Samples.Admin, Ct);

        var rollback = await fixture.Revisions.RollbackAsync(1, null, 0, Samples.Admin, Ct);

        Assert.Equal(3, rollback.Id);
        Assert.Equal(RevisionStatus.Reverted, (await fixture.Revisions.GetAsync(2, Ct)).Revision.Status);
        Assert.Equal(3, fixture.Running.Current.RevisionId);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(100, Ct);
        Assert.Equal(3, fixture.Running.Current.RevisionId);
        Assert.Equal(RevisionStatus.Applied, (await fixture.Revisions.GetAsync(3, Ct)).Revision.Status);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(RevisionLog.MaxConfirmSeconds + 1)]
    public async Task Apply_refuses_a_confirm_window_out_of_range(int seconds)
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() => fixture.Revisions.ApplyAsync(null, seconds, Samples.Admin, Ct));

        Assert.Contains("confirmSeconds", error.Errors.ToDictionary().Keys);
        Assert.Empty(await fixture.Revisions.ListAsync(Ct));
    }
}
