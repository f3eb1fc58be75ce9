using Appliance.Engine.Bonding;
using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Planning;
using Appliance.Engine.Status;
using Appliance.Engine.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Status;

public sealed class EngineStatusTrackerTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static DesiredState Plan(BondingPlan? bonding = null) =>
        new(7, "", [], [], [],
            [
                new WanPlan("dsl", "wan1", 1, KernelIds.MarkOf(1), KernelIds.TableOf(1), true, true, FailbackPolicy.Keep, "up"),
                new WanPlan("cable", "wan2", 2, KernelIds.MarkOf(2), KernelIds.TableOf(2), true, true, FailbackPolicy.Keep, "up"),
                new WanPlan("lte", "wwan0", 3, KernelIds.MarkOf(3), KernelIds.TableOf(3), false, false, FailbackPolicy.Keep, "down"),
            ],
            [])
        { Bonding = bonding };

    private static readonly Dictionary<string, LinkHealth> Health = new() { ["dsl"] = new LinkHealth(LinkState.Up, "up") };

    [Fact]
    public void Sessions_per_wan_come_from_the_conntrack_count_of_its_mark()
    {
        var tracker = new EngineStatusTracker(TimeProvider.System);
        tracker.Applied(Plan(), Health);

        tracker.UpdateSessions(new Dictionary<uint, long> { [KernelIds.MarkOf(1)] = 120, [KernelIds.MarkOf(2)] = 3, [KernelIds.BondMark] = 9 });

        var wans = tracker.Current.Wans.ToDictionary(w => w.Name, w => w.Sessions);
        Assert.Equal(120, wans["dsl"]);
        Assert.Equal(3, wans["cable"]);
        // Counted, and none there: zero, not unknown.
        Assert.Equal(0, wans["lte"]);
    }

    [Fact]
    public void Sessions_stay_null_until_counted()
    {
        var tracker = new EngineStatusTracker(TimeProvider.System);
        tracker.Applied(Plan(), Health);

        Assert.All(tracker.Current.Wans, w => Assert.Null(w.Sessions));
    }

    [Fact]
    public void Subflows_and_their_bytes_are_mapped_from_address_to_bonded_wan()
    {
        var monitor = new BondingMonitor();
        monitor.SetState("edge", "connected", "203.0.113.20:7443");
        var tracker = new EngineStatusTracker(TimeProvider.System, bonding: monitor);
        tracker.Applied(Plan(new BondingPlan(KernelIds.BondProxyPort, new HubTarget("203.0.113.20", 7443, "branch", "k", false),
            [new BondPath("dsl", "198.18.11.2", false), new BondPath("cable", "198.18.12.2", true)])), Health);

        tracker.UpdateSubflows(new Dictionary<string, PathTraffic> { ["198.18.11.2"] = new(2, 5000, 70000) });

        var status = tracker.Current;
        var wans = status.Wans.ToDictionary(w => w.Name, w => w.Subflows);
        Assert.Equal(2, wans["dsl"]);
        Assert.Equal(0, wans["cable"]);
        Assert.Null(wans["lte"]);
        var dsl = Assert.Single(status.Bonding!.Paths, p => p.Wan == "dsl");
        Assert.Equal((2, 5000L, 70000L), (dsl.Subflows, dsl.BytesSent, dsl.BytesReceived));
    }

    [Fact]
    public void Goodput_and_efficiency_reach_the_bonding_status()
    {
        var monitor = new BondingMonitor();
        monitor.SetState("edge", "connected", "203.0.113.20:7443");
        var tracker = new EngineStatusTracker(TimeProvider.System, bonding: monitor);
        tracker.Applied(Plan(), Health);

        tracker.UpdateBonding(24_000_000, 1.2);

        Assert.Equal(24_000_000, tracker.Current.Bonding!.GoodputBitsPerSecond);
        Assert.Equal(1.2, tracker.Current.Bonding!.Efficiency);
    }

    [Fact]
    public void Applies_are_counted_with_the_time_of_the_last_success_and_failure()
    {
        var time = new FakeTimeProvider(Epoch);
        var tracker = new EngineStatusTracker(time);

        tracker.Applied(Plan(), Health);
        time.Advance(TimeSpan.FromSeconds(5));
        tracker.Failed(8, "nft rejected the ruleset");
        time.Advance(TimeSpan.FromSeconds(5));
        tracker.Applied(Plan(), Health);

        Assert.Equal(new ApplyStats(2, 1, Epoch.AddSeconds(10), Epoch.AddSeconds(5)), tracker.Current.Applies);
    }

    [Fact]
    public void Counter_totals_reach_the_wan_status()
    {
        var tracker = new EngineStatusTracker(TimeProvider.System);
        tracker.Applied(Plan(), Health);

        tracker.UpdateCounters(new Dictionary<string, WanCounters> { ["dsl"] = new(8000, 1600, 4, 123_456, 7_890) });

        var dsl = tracker.Current.Wans[0];
        Assert.Equal((8000L, 1600L, 4L, 123_456L, 7_890L), (dsl.RxBitsPerSecond, dsl.TxBitsPerSecond, dsl.NewSessions, dsl.RxBytes, dsl.TxBytes));
    }
}
