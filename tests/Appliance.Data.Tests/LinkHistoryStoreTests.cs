using Appliance.Data.Store;
using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Appliance.Engine.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Data.Tests;

public sealed class LinkHistoryStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyList<WanStatus> Wans(long rx, string state = "up") =>
    [
        new WanStatus("dsl", "wan1", state, true, "up", 12, 1, 0, rx, rx / 4, 3) { Sessions = 40 },
        new WanStatus("lte", "wwan0", "down", false, "down", null, null, null, 0, 0, 0),
    ];

    /// <summary>One sample a second for <paramref name="seconds"/> seconds on the fixture's clock, flushed every <paramref name="flushEvery"/>.</summary>
    private static async Task RecordAsync(StoreFixture fixture, LinkHistoryStore store, int seconds, int flushEvery = 10)
    {
        for (var i = 0; i < seconds; i++)
        {
            store.Record(fixture.Time.GetUtcNow(), Wans(8000 + i));
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            if ((i + 1) % flushEvery == 0)
            {
                await store.FlushAsync(Ct);
            }
        }
        await store.FlushAsync(Ct);
    }

    [Fact]
    public async Task History_survives_a_restart_on_the_same_database()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await RecordAsync(fixture, fixture.Services.GetRequiredService<LinkHistoryStore>(), 90);

        await fixture.RestartAsync(Ct, downtime: TimeSpan.FromSeconds(20));
        var history = fixture.Services.GetRequiredService<ILinkHistory>();

        Assert.Equal(["dsl", "lte"], history.Wans);
        var dsl = await history.QueryAsync("dsl", StoreFixture.Epoch, Ct);
        Assert.Equal(90, dsl.Count);
        Assert.Equal(StoreFixture.Epoch, dsl[0].At);
        Assert.Equal(new LinkSample(StoreFixture.Epoch.AddSeconds(89), "up", 12, 1, 0, 8089, 8089 / 4, 40, null), dsl[^1]);
    }

    [Fact]
    public async Task A_minute_aggregate_written_before_a_restart_serves_the_pruned_past()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await RecordAsync(fixture, fixture.Services.GetRequiredService<LinkHistoryStore>(), 20 * 60, flushEvery: 60);

        await fixture.RestartAsync(Ct);
        var dsl = await fixture.Services.GetRequiredService<ILinkHistory>().QueryAsync("dsl", StoreFixture.Epoch, Ct);

        // The first five minutes only as aggregates (their seconds are past 15 minutes), then one sample a second.
        Assert.Equal(Enumerable.Range(0, 5).Select(m => StoreFixture.Epoch.AddMinutes(m)), dsl.Take(5).Select(s => s.At));
        Assert.Equal(Enumerable.Range(0, 60).Average(i => 8000.0 + i), dsl[0].RxBitsPerSecond, 0.5);
        Assert.Equal(StoreFixture.Epoch.AddMinutes(5), dsl[5].At);
        Assert.Equal(StoreFixture.Epoch.AddSeconds(20 * 60 - 1), dsl[^1].At);
    }

    [Fact]
    public async Task Pruning_bounds_the_rows_to_the_retention()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Services.GetRequiredService<LinkHistoryStore>();
        await RecordAsync(fixture, store, 40 * 60, flushEvery: 60);

        await using (var db = await fixture.CreateDbContextAsync(Ct))
        {
            // Two WANs: 15 minutes of seconds (and one more) and one aggregate per minute each.
            Assert.InRange(await db.LinkSamples.CountAsync(s => s.Seconds == 1, Ct), 2 * 15 * 60, 2 * (15 * 60 + 1));
            Assert.Equal(2 * 40, await db.LinkSamples.CountAsync(s => s.Seconds == 60, Ct));
        }

        fixture.Time.Advance(TimeSpan.FromHours(25));
        await store.FlushAsync(Ct);

        await using (var db = await fixture.CreateDbContextAsync(Ct))
        {
            Assert.Equal(0, await db.LinkSamples.CountAsync(Ct));
        }
        Assert.Empty(store.Wans);
    }

    [Fact]
    public async Task Samples_that_failed_to_commit_are_written_with_the_next_batch()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Services.GetRequiredService<LinkHistoryStore>();
        store.Record(fixture.Time.GetUtcNow(), Wans(8000));
        fixture.Faults.FailNextCommit();

        await Assert.ThrowsAnyAsync<Exception>(() => store.FlushAsync(Ct));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        store.Record(fixture.Time.GetUtcNow(), Wans(9000));
        await store.FlushAsync(Ct);

        await using var db = await fixture.CreateDbContextAsync(Ct);
        Assert.Equal(4, await db.LinkSamples.CountAsync(Ct));
    }

    [Fact]
    public async Task Closing_waits_out_a_flush_already_writing_and_later_flushes_touch_nothing()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Services.GetRequiredService<LinkHistoryStore>();
        store.Record(fixture.Time.GetUtcNow(), Wans(8000));
        var hold = fixture.Faults.HoldNextCommit();

        var flushing = store.FlushAsync(Ct);
        await hold.Reached.Task.WaitAsync(Eventually.Limit, Ct);
        var closing = Task.Run(store.Dispose, Ct);
        // Not a timing target: the close must still be waiting while the write is held, however long that is.
        await Task.Delay(200, Ct);
        Assert.False(closing.IsCompleted, "the store closed while a flush was still writing");
        hold.Release.SetResult();
        await flushing;
        await closing.WaitAsync(Eventually.Limit, Ct);

        await using var db = await fixture.CreateDbContextAsync(Ct);
        var written = await db.LinkSamples.CountAsync(Ct);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        store.Record(fixture.Time.GetUtcNow(), Wans(9000));
        await store.FlushAsync(Ct);
        Assert.Equal(2, written);
        Assert.Equal(written, await db.LinkSamples.CountAsync(Ct));
    }

    [Fact]
    public async Task The_recorder_samples_every_second_and_writes_in_batches()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var store = fixture.Services.GetRequiredService<LinkHistoryStore>();
        var status = new FixedStatus(new EngineStatus(true, "running", 1, StoreFixture.Epoch, Wans(8000), []));
        using var recorder = new LinkHistoryRecorder(status, store, fixture.Services.GetRequiredService<DatabaseReadiness>(), fixture.Time,
            new LoopSupervisor(new LoopMonitor(fixture.Time), NullLogger<LoopSupervisor>.Instance), NullLogger<LinkHistoryRecorder>.Instance);
        await recorder.StartAsync(Ct);

        // The service starts its timer on a thread of its own: move the clock until the first tick lands.
        await Eventually.TrueAsync(() =>
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            return Samples().Count > 0;
        }, "the first sample");
        for (var second = Samples().Count + 1; second <= 9; second++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            await Eventually.TrueAsync(() => Samples().Count == second, $"sample {second}");
        }
        Assert.Equal(0, await CountRowsAsync(fixture));

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => CountRowsAsync(fixture).Result == 2 * LinkHistoryRecorder.FlushEvery, "the first batch of ten seconds");

        status.Current = EngineStatus.NotRunning("stopped");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await recorder.StopAsync(Ct);
        Assert.Equal(10, Samples().Count);
        // Stopping writes what was left; a stopped engine added nothing.
        Assert.Equal(2 * 10, await CountRowsAsync(fixture));

        IReadOnlyList<LinkSample> Samples() => store.QueryAsync("dsl", StoreFixture.Epoch.AddHours(-1)).Result;
    }

    private static async Task<int> CountRowsAsync(StoreFixture fixture)
    {
        await using var db = await fixture.CreateDbContextAsync(CancellationToken.None);
        return await db.LinkSamples.CountAsync(CancellationToken.None);
    }

    private sealed class FixedStatus(EngineStatus current) : IEngineStatusSource
    {
        public EngineStatus Current { get; set; } = current;
    }
}
