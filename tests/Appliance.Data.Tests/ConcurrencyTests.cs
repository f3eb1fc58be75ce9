using Appliance.Data.Store;
using Appliance.Engine.Configuration;

namespace Appliance.Data.Tests;

public sealed class ConcurrencyTests
{
    private const int Writers = 30;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Parallel_creates_of_distinct_wans_all_land()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);

        var created = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i =>
            Task.Run(() => fixture.Wans.CreateAsync(Samples.Wan($"wan{i}", $"eth{i}", weight: i + 1), Samples.Admin, Ct), Ct)));

        Assert.All(created, c => Assert.Equal(1, c.Version));
        var stored = await fixture.Wans.ListAsync(Ct);
        Assert.Equal(Writers, stored.Count);
        Assert.Equal(
            Enumerable.Range(0, Writers).Select(i => ($"wan{i}", $"eth{i}", i + 1)).OrderBy(t => t.Item1),
            stored.Select(w => (w.Value.Name, w.Value.Interface, w.Value.Weight)).OrderBy(t => t.Name));
        Assert.Equal(Writers, (await fixture.Audit.ListAsync(ct: Ct)).Count(a => a.Action == "wan.create"));
    }

    [Fact]
    public async Task Parallel_read_modify_write_with_expected_versions_loses_no_increment()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        const int initial = 5;
        var start = await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1", weight: initial), Samples.Admin, Ct);
        var mismatches = 0;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var current = await fixture.Wans.GetAsync("dsl", Ct);
                try
                {
                    await fixture.Wans.UpdateAsync("dsl", current.Value with { Weight = current.Value.Weight + 1 }, current.Version, Samples.Admin, Ct);
                    return;
                }
                catch (ConfigVersionMismatchException)
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
            Assert.Fail("An increment did not land within 200 attempts.");
        }, Ct)));

        var final = await fixture.Wans.GetAsync("dsl", Ct);
        Assert.Equal(initial + Writers, final.Value.Weight);
        Assert.Equal(start.Version + Writers, final.Version);
        Assert.Equal(Writers, (await fixture.Audit.ListAsync(ct: Ct)).Count(a => a.Action == "wan.update"));
        TestContext.Current.SendDiagnosticMessage($"{mismatches} version mismatches were retried");
    }

    [Fact]
    public async Task An_update_with_a_stale_version_is_refused_and_changes_nothing()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var original = await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1", weight: 3), Samples.Admin, Ct);
        var newer = await fixture.Wans.UpdateAsync("dsl", original.Value with { Weight = 4 }, original.Version, Samples.Operator, Ct);
        var auditBefore = (await fixture.Audit.ListAsync(ct: Ct)).Count;

        await Assert.ThrowsAsync<ConfigVersionMismatchException>(() =>
            fixture.Wans.UpdateAsync("dsl", original.Value with { Weight = 99, Tier = 2 }, original.Version, Samples.Admin, Ct));
        await Assert.ThrowsAsync<ConfigVersionMismatchException>(() => fixture.Wans.DeleteAsync("dsl", original.Version, Samples.Admin, Ct));

        var stored = await fixture.Wans.GetAsync("dsl", Ct);
        Assert.Equal(newer.Version, stored.Version);
        Assert.Equal(4, stored.Value.Weight);
        Assert.Equal(1, stored.Value.Tier);
        Assert.Equal(auditBefore, (await fixture.Audit.ListAsync(ct: Ct)).Count);
    }

    [Fact]
    public async Task Stale_versions_are_refused_for_rules_and_settings_too()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var rule = await fixture.Rules.CreateAsync(new Rule { Description = "a" }, null, Samples.Admin, Ct);
        await fixture.Rules.UpdateAsync(rule.Value.Id, rule.Value with { Description = "b" }, null, rule.Version, Samples.Admin, Ct);
        var settings = await fixture.Store.GetSettingsAsync(Ct);
        var lan = new LanSettings { Interfaces = ["lan0"], Addresses = ["192.0.2.1/24"] };
        await fixture.Store.UpdateSettingsAsync(settings.Value with { Lan = lan }, settings.Version, Samples.Admin, Ct);

        await Assert.ThrowsAsync<ConfigVersionMismatchException>(() =>
            fixture.Rules.UpdateAsync(rule.Value.Id, rule.Value with { Description = "c" }, null, rule.Version, Samples.Admin, Ct));
        await Assert.ThrowsAsync<ConfigVersionMismatchException>(() => fixture.Rules.DeleteAsync(rule.Value.Id, rule.Version, Samples.Admin, Ct));
        await Assert.ThrowsAsync<ConfigVersionMismatchException>(() =>
            fixture.Store.UpdateSettingsAsync(settings.Value with { Lan = new LanSettings { Interfaces = ["lan9"] } }, settings.Version, Samples.Admin, Ct));

        Assert.Equal("b", (await fixture.Rules.GetAsync(rule.Value.Id, Ct)).Value.Description);
        Assert.Equal(["lan0"], (await fixture.Store.GetSettingsAsync(Ct)).Value.Lan.Interfaces);
    }

    [Fact]
    public async Task Edits_without_an_expected_version_apply_last_writer_wins()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var wan = await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);

        await fixture.Wans.UpdateAsync("dsl", wan.Value with { Weight = 10 }, null, Samples.Admin, Ct);
        var last = await fixture.Wans.UpdateAsync("dsl", wan.Value with { Weight = 20 }, null, Samples.Admin, Ct);

        Assert.Equal(3, last.Version);
        Assert.Equal(20, (await fixture.Wans.GetAsync("dsl", Ct)).Value.Weight);
    }

    [Fact]
    public async Task Parallel_edits_and_applies_leave_a_consistent_history()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);

        var edits = Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            fixture.Wans.CreateAsync(Samples.Wan($"extra{i}", $"eth{10 + i}"), Samples.Admin, Ct), Ct));
        var applies = Enumerable.Range(0, 10).Select(i => Task.Run(() => fixture.Revisions.ApplyAsync($"apply {i}", 0, Samples.Admin, Ct), Ct));
        await Task.WhenAll(edits.Concat<Task>(applies));

        var revisions = await fixture.Revisions.ListAsync(Ct);
        Assert.Equal(10, revisions.Count);
        Assert.Equal(revisions.Max(r => r.Id), fixture.Running.Current.RevisionId);
        // Each revision is a whole pending copy taken between edits: WAN counts never shrink.
        var counts = new List<int>();
        foreach (var revision in revisions.OrderBy(r => r.Id))
        {
            counts.Add((await fixture.Revisions.GetAsync(revision.Id, Ct)).Config.Wans.Count);
        }
        Assert.Equal(counts.Order(), counts);
        Assert.Equal(11, (await fixture.Store.GetPendingAsync(Ct)).Wans.Count);
    }
}
