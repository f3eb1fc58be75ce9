using Appliance.Data.Store;
using Appliance.Engine.Health;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Data.Tests;

public class HealthEventStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_are_listed_newest_first_and_filtered_by_wan()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Services.GetRequiredService<HealthEventStore>();
        var heard = new List<HealthEvent>();
        using var _ = store.Subscribe(heard.Add);

        await store.RecordAsync(new HealthEvent(StoreFixture.Epoch, "dsl", LinkState.Up, LinkState.Down, "down: 3 rounds in a row without an answer for 0.5 s"), Ct);
        await store.RecordAsync(new HealthEvent(StoreFixture.Epoch.AddSeconds(2), "lte", LinkState.Unknown, LinkState.Up, "up: rtt 40 ms"), Ct);
        await store.RecordAsync(new HealthEvent(StoreFixture.Epoch.AddSeconds(3), "dsl", LinkState.Down, LinkState.Up, "up: rtt 12 ms"), Ct);

        var all = await store.ListAsync(null, 10, Ct);
        Assert.Equal(["dsl", "lte", "dsl"], all.Select(e => e.Wan));
        Assert.Equal(LinkState.Up, all[0].To);
        Assert.Equal(StoreFixture.Epoch.AddSeconds(3), all[0].Time);
        var dsl = await store.ListAsync("dsl", 10, Ct);
        Assert.Equal(2, dsl.Count);
        Assert.Equal("down: 3 rounds in a row without an answer for 0.5 s", dsl[1].Reason);
        Assert.Equal(3, heard.Count);
    }

    [Fact]
    public async Task The_event_log_stays_bounded_when_a_link_flaps()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = new HealthEventStore(fixture.Services.GetRequiredService<IDbContextFactory<ApplianceDbContext>>(), maxEvents: 50);

        for (var i = 0; i < 400; i++)
        {
            await store.RecordAsync(new HealthEvent(StoreFixture.Epoch.AddSeconds(i), "lte", i % 2 == 0 ? LinkState.Up : LinkState.Down, i % 2 == 0 ? LinkState.Down : LinkState.Up, $"flap {i}"), Ct);
        }

        await using var db = await fixture.Services.GetRequiredService<IDbContextFactory<ApplianceDbContext>>().CreateDbContextAsync(Ct);
        Assert.InRange(await db.HealthEvents.CountAsync(Ct), 50, 100);
        Assert.Equal("flap 399", (await store.ListAsync(null, 1, Ct))[0].Reason);
    }
}
