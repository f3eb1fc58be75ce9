using Appliance.Data.Entities;
using Appliance.Data.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Data.Tests;

/// <summary>The audit trail stays within its age and count bounds, oldest first, and says what it pruned.</summary>
public sealed class AuditRetentionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Waits out the pass the service runs at start: on a busy machine it could otherwise land after the test has
    // written its entries and remove them before the test's own pass.
    private static async Task<StoreFixture> StartAsync(int maxEntries, int maxAgeDays = 365)
    {
        var fixture = await StoreFixture.StartAsync(Ct, configure: s => s.Configure<AuditOptions>(o => (o.MaxEntries, o.MaxAgeDays) = (maxEntries, maxAgeDays)));
        await fixture.Services.GetRequiredService<AuditRetention>().FirstPass.WaitAsync(Eventually.Limit, Ct);
        return fixture;
    }

    private static async Task AddEntriesAsync(StoreFixture fixture, int count, DateTimeOffset at, string action = "test.entry")
    {
        await using var db = await fixture.CreateDbContextAsync(Ct);
        for (var i = 0; i < count; i++)
        {
            db.AuditEntries.Add(new AuditEntryEntity { Time = at, Actor = "tests", Source = "tests", Action = action, Target = $"entry {i}" });
        }
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task The_oldest_entries_beyond_the_count_go_first_and_a_pruned_entry_says_how_many()
    {
        await using var fixture = await StartAsync(maxEntries: 50);
        await AddEntriesAsync(fixture, 30, StoreFixture.Epoch.AddHours(-2), "old.entry");
        await AddEntriesAsync(fixture, 40, StoreFixture.Epoch.AddHours(-1), "new.entry");

        var result = await fixture.Services.GetRequiredService<AuditRetention>().PruneAsync(Ct);

        Assert.Equal((0, 21, 50), (result.ByAge, result.ByCount, result.Remaining));
        await using var db = await fixture.CreateDbContextAsync(Ct);
        Assert.Equal(50, await db.AuditEntries.CountAsync(Ct));
        Assert.Equal(9, await db.AuditEntries.CountAsync(a => a.Action == "old.entry", Ct));
        Assert.Equal(40, await db.AuditEntries.CountAsync(a => a.Action == "new.entry", Ct));
        var pruned = await db.AuditEntries.SingleAsync(a => a.Action == AuditRetention.PrunedAction, Ct);
        Assert.Equal(("system", StoreFixture.Epoch), (pruned.Actor, pruned.Time));
        Assert.Contains("21 oldest beyond the bound of 50 entries", pruned.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_past_the_age_bound_go_and_a_trail_within_both_bounds_is_left_alone()
    {
        await using var fixture = await StartAsync(maxEntries: 1000, maxAgeDays: 30);
        await AddEntriesAsync(fixture, 5, StoreFixture.Epoch.AddDays(-31), "old.entry");
        await AddEntriesAsync(fixture, 5, StoreFixture.Epoch.AddDays(-29), "recent.entry");
        var retention = fixture.Services.GetRequiredService<AuditRetention>();

        var first = await retention.PruneAsync(Ct);
        var second = await retention.PruneAsync(Ct);

        Assert.Equal((5, 0), (first.ByAge, first.ByCount));
        Assert.Equal((0, 0), (second.ByAge, second.ByCount));
        var left = await fixture.Audit.ListAsync(ct: Ct);
        Assert.DoesNotContain(left, e => e.Action == "old.entry");
        Assert.Equal(5, left.Count(e => e.Action == "recent.entry"));
        var pruned = Assert.Single(left, e => e.Action == AuditRetention.PrunedAction);
        Assert.Contains("5 older than 30 days", pruned.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hourly_pass_runs_on_the_clock()
    {
        await using var fixture = await StartAsync(maxEntries: 1000, maxAgeDays: 1);
        var retention = fixture.Services.GetRequiredService<AuditRetention>();
        await AddEntriesAsync(fixture, 3, StoreFixture.Epoch.AddHours(-23.5), "aging.entry");
        var passes = new List<AuditPruneResult>();
        retention.Pruned += r =>
        {
            lock (passes)
            {
                passes.Add(r);
            }
        };

        // An hour later the entries are past a day old; the pass on the hour removes them without anyone asking.
        fixture.Time.Advance(TimeSpan.FromHours(1));

        await Eventually.TrueAsync(() => { lock (passes) { return passes.Any(p => p.ByAge == 3); } }, "the hourly pass to remove the aged entries");
        Assert.DoesNotContain(await fixture.Audit.ListAsync(ct: Ct), e => e.Action == "aging.entry");
    }

    [Fact]
    public async Task A_trail_that_grows_past_the_bound_by_the_margin_is_pruned_before_the_hour()
    {
        await using var fixture = await StartAsync(maxEntries: 100);
        var retention = fixture.Services.GetRequiredService<AuditRetention>();
        var pruned = new TaskCompletionSource<AuditPruneResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        retention.Pruned += r =>
        {
            if (r.ByCount > 0)
            {
                pruned.TrySetResult(r);
            }
        };

        // Written as the stores write them (each save is seen), with no time passing at all.
        for (var i = 0; i < 25; i++)
        {
            await AddEntriesAsync(fixture, 10, StoreFixture.Epoch);
        }

        var result = await pruned.Task.WaitAsync(Eventually.Limit, Ct);
        Assert.Equal(100, result.Remaining);
        await using var db = await fixture.CreateDbContextAsync(Ct);
        Assert.True(await db.AuditEntries.CountAsync(Ct) <= 100 + 50, "the trail kept growing past its bound");
    }
}
