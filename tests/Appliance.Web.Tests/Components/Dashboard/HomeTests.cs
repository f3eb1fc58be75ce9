using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Status;
using Appliance.Web.Components.Pages;
using Appliance.Web.Live;
using Bunit;

namespace Appliance.Web.Tests.Components.Dashboard;

/// <summary>The dashboard at "/": what a snapshot shows, and how it follows the live feed.</summary>
public sealed class HomeTests : DashboardTest
{
    private static string Text(IRenderedComponent<Home> cut, string testId) => cut.Find($"[data-testid='{testId}']").TextContent.Trim();

    [Fact]
    public void A_snapshot_shows_a_card_per_wan_with_its_state_reason_figures_and_config()
    {
        Config.WithWans(
            new WanLink { Name = "dsl", Interface = "eth1", Mode = WanMode.Balance, Tier = 1, Weight = 30 },
            new WanLink { Name = "lte", Interface = "wwan0", Mode = WanMode.Backup, Tier = 2, Weight = 1 });
        Feed.Publish(new SnapshotUpdate(Running(
            Wan("dsl", rx: 12_500_000, tx: 2_000_000, rtt: 18.4, sessions: 42, reason: "up: rtt 18 ms"),
            new WanStatus("lte", "wwan0", "down", false, "down: no carrier", null, null, null, null, null, null))));

        var cut = Render<Home>();

        Assert.Equal(2, cut.FindAll("[data-testid^='wan-card-']").Count);
        Assert.Equal("up", Text(cut, "wan-state-dsl"));
        Assert.Contains("mud-chip-color-success", cut.Find("[data-testid='wan-state-dsl']").ClassName);
        Assert.Equal("up: rtt 18 ms", Text(cut, "wan-reason-dsl"));
        Assert.Equal("18.4 ms", Text(cut, "wan-rtt-dsl"));
        Assert.Equal("12.5 Mbit/s", Text(cut, "wan-rx-dsl"));
        Assert.Equal("2.0 Mbit/s", Text(cut, "wan-tx-dsl"));
        Assert.Equal("42", Text(cut, "wan-sessions-dsl"));
        Assert.Contains("balance · tier 1 · weight 30", cut.Find("[data-testid='wan-card-dsl']").TextContent);

        Assert.Equal("down", Text(cut, "wan-state-lte"));
        Assert.Contains("mud-chip-color-error", cut.Find("[data-testid='wan-state-lte']").ClassName);
        Assert.StartsWith("down: no carrier", Text(cut, "wan-reason-lte"));
        Assert.Contains("backup · tier 2 · weight 1", cut.Find("[data-testid='wan-card-lte']").TextContent);
        foreach (var figure in new[] { "rx", "tx", "rtt", "jitter", "loss", "sessions" })
        {
            Assert.Equal("—", Text(cut, $"wan-{figure}-lte"));
        }
        Assert.Equal("running", Text(cut, "engine-running"));
        Assert.Equal("revision 7", Text(cut, "engine-revision"));
    }

    [Fact]
    public void Degraded_is_orange_and_an_unknown_state_grey()
    {
        Feed.Publish(new SnapshotUpdate(Running(Wan("dsl", state: "degraded"), Wan("cable", state: "unknown"))));

        var cut = Render<Home>();

        Assert.Contains("mud-chip-color-warning", cut.Find("[data-testid='wan-state-dsl']").ClassName);
        Assert.Contains("mud-chip-color-default", cut.Find("[data-testid='wan-state-cable']").ClassName);
    }

    [Fact]
    public void The_engine_line_shows_why_it_is_not_running_and_its_warnings()
    {
        Feed.Publish(new SnapshotUpdate(EngineStatus.NotRunning("revision 3 could not be applied: nft failed") with { Warnings = ["rule 2 pins dsl, which is down"] }));

        var cut = Render<Home>();

        Assert.Equal("not running", Text(cut, "engine-running"));
        Assert.Equal("revision 3 could not be applied: nft failed", Text(cut, "engine-message"));
        Assert.Equal("rule 2 pins dsl, which is down", Text(cut, "engine-warning"));
        Assert.NotNull(cut.Find("[data-testid='dashboard-no-wans']"));
    }

    [Fact]
    public void Before_the_first_snapshot_the_page_says_it_is_waiting_and_then_shows_it()
    {
        var cut = Render<Home>();
        Assert.NotNull(cut.Find("[data-testid='dashboard-waiting']"));

        Tick(Wan("dsl"));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='wan-card-dsl']")));
        Assert.Empty(cut.FindAll("[data-testid='dashboard-waiting']"));
    }

    [Fact]
    public void New_snapshots_change_the_figures_add_new_wans_and_drop_removed_ones()
    {
        Feed.Publish(new SnapshotUpdate(Running(Wan("dsl", rx: 1_000_000, sessions: 3))));
        var cut = Render<Home>();
        Assert.Equal("1.0 Mbit/s", Text(cut, "wan-rx-dsl"));

        Tick(Wan("dsl", rx: 48_000_000, sessions: 9), Wan("cable", state: "degraded", rx: 64_000));

        cut.WaitForAssertion(() => Assert.Equal("48.0 Mbit/s", Text(cut, "wan-rx-dsl")));
        Assert.Equal("9", Text(cut, "wan-sessions-dsl"));
        Assert.Equal("64.0 kbit/s", Text(cut, "wan-rx-cable"));
        Assert.Equal("degraded", Text(cut, "wan-state-cable"));

        Tick(Wan("cable", state: "up", rx: 128_000));

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='wan-card-dsl']")));
        Assert.Equal("128.0 kbit/s", Text(cut, "wan-rx-cable"));
    }

    [Fact]
    public async Task The_event_log_lists_stored_events_and_prepends_live_changes_applies_and_firmware_steps()
    {
        await Events.RecordAsync(new HealthEvent(Epoch.AddMinutes(-3), "dsl", LinkState.Up, LinkState.Down, "down: no answer from 192.0.2.1"), Ct);
        Feed.Publish(new SnapshotUpdate(Running(Wan("dsl"))));
        var cut = Render<Home>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid='event-log-entry']")));
        Assert.Contains("dsl: up → down: down: no answer from 192.0.2.1", cut.Find("[data-testid='event-log-entry']").TextContent);

        Feed.Publish(new LinkStateUpdate(new HealthEvent(Epoch, "dsl", LinkState.Down, LinkState.Up, "up: rtt 12 ms")));
        Feed.Publish(new ConfigAppliedUpdate(new ConfigAppliedEvent(8, Epoch.AddSeconds(1))));
        Feed.Publish(new FirmwareProgressUpdate(new Engine.Firmware.FirmwareProgress(Epoch.AddSeconds(2), "installing", 40, "writing slot B")));

        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("[data-testid='event-log-entry']").Count));
        var entries = cut.FindAll("[data-testid='event-log-entry']").Select(e => e.TextContent).ToList();
        Assert.Contains("installing 40 %: writing slot B", entries[0]);
        Assert.Contains("revision 8 is now running", entries[1]);
        Assert.Contains("dsl: down → up: up: rtt 12 ms", entries[2]);
        Assert.Contains("no answer from 192.0.2.1", entries[3]);
    }

    [Fact]
    public void The_bonding_panel_shows_only_when_the_appliance_bonds()
    {
        Feed.Publish(new SnapshotUpdate(Running(Wan("dsl"))));
        var cut = Render<Home>();
        Assert.Empty(cut.FindAll("[data-testid='bonding-panel']"));

        Tick(Running(Wan("dsl"), Wan("lte")) with
        {
            Bonding = new BondingStatus("edge", "connected", "203.0.113.10:7000", 3, 120, 2, 5_000_000, 40_000_000_000, null,
                [new BondPathStatus("dsl", "198.51.100.2", false, 2, 1_500_000, 30_000_000), new BondPathStatus("lte", "198.18.0.2", true)],
                []) { GoodputBitsPerSecond = 31_000_000, Efficiency = 1.55 },
        });

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='bonding-panel']")));
        Assert.Equal("connected", Text(cut, "bonding-state"));
        Assert.Contains("203.0.113.10:7000", Text(cut, "bonding-peer"));
        Assert.Equal("3 / 120 / 2", Text(cut, "bonding-sessions"));
        Assert.Equal("5.0 MB / 40.00 GB", Text(cut, "bonding-bytes"));
        Assert.Equal("31.0 Mbit/s", Text(cut, "bonding-goodput"));
        Assert.Equal("1.55×", Text(cut, "bonding-efficiency"));
        var dsl = cut.Find("[data-testid='bonding-path-dsl']").TextContent;
        Assert.Contains("198.51.100.2", dsl);
        Assert.Contains("1.5 MB", dsl);
        var lte = cut.Find("[data-testid='bonding-path-lte']").TextContent;
        Assert.Contains("(backup)", lte);
        Assert.Contains("—", lte);

        Tick(Wan("dsl"));

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='bonding-panel']")));
    }

    [Fact]
    public void On_a_hub_the_bonding_panel_lists_the_edges_with_their_sessions()
    {
        Feed.Publish(new SnapshotUpdate(Running() with
        {
            Bonding = new BondingStatus("hub", "listening", "[::]:7000", 5, 9, 0, 1, 2, null, [], [new HubEdgeStatus("branch-1", 4), new HubEdgeStatus("branch-2", 1)]),
        }));

        var cut = Render<Home>();

        Assert.Equal("—", Text(cut, "bonding-goodput"));
        Assert.Contains("4", Text(cut, "bonding-edge-branch-1"));
        Assert.Contains("branch-2", Text(cut, "bonding-edge-branch-2"));
    }
}
