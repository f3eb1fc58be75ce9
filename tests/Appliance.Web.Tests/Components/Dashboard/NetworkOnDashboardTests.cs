using System.Globalization;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Appliance.Web.Components.Pages;
using Appliance.Web.Live;
using Bunit;

namespace Appliance.Web.Tests.Components.Dashboard;

/// <summary>The dashboard's addressing line per WAN and its ports panel.</summary>
public sealed class NetworkOnDashboardTests : DashboardTest
{
    private static string Text(IRenderedComponent<Home> cut, string testId) => cut.Find($"[data-testid='{testId}']").TextContent.Trim();

    [Fact]
    public void Each_wan_card_says_how_the_wan_got_its_address()
    {
        Config.WithWans(
            new WanLink { Name = "cable", Interface = "eth1" },
            new WanLink { Name = "fiber", Interface = "eth2", Gateway = "203.0.113.1" },
            new WanLink { Name = "dsl", Interface = "eth3", Addressing = new WanAddressing { Mode = AddressingMode.Pppoe } });
        var expires = Epoch.AddHours(2);
        Addresses.Set(new WanAddressState("cable", AddressingMode.Dhcp, "eth1", "198.51.100.20/24", "198.51.100.1", [], Epoch, expires, "bound"));
        Addresses.Set(new WanAddressState("dsl", AddressingMode.Pppoe, "ppp0", "203.0.113.77/32", "203.0.113.1", [], Epoch, null, "PPP session up"));
        Feed.Publish(new SnapshotUpdate(Running(Wan("cable"), Wan("fiber"), Wan("dsl"))));

        var cut = Render<Home>();

        var until = TimeZoneInfo.ConvertTime(expires, TimeZoneInfo.Local).ToString("HH:mm", CultureInfo.InvariantCulture);
        Assert.Equal($"DHCP lease until {until} · 198.51.100.20/24 via 198.51.100.1", Text(cut, "wan-addressing-cable"));
        Assert.Equal("static", Text(cut, "wan-addressing-fiber"));
        Assert.StartsWith("PPPoE session", Text(cut, "wan-addressing-dsl"));
        Assert.EndsWith("203.0.113.77/32 via 203.0.113.1", Text(cut, "wan-addressing-dsl"));
    }

    [Fact]
    public void The_ports_panel_shows_each_ports_running_role_carrier_and_speed_and_follows_the_link()
    {
        Config.Current = new ConfigSnapshot(1, new ApplianceConfig
        {
            Ports = [new PortConfig { Name = "eth0", Role = PortRole.Lan }, new PortConfig { Name = "eth1", Role = PortRole.Wan }, new PortConfig { Name = "eth9", Role = PortRole.Wan }],
        }, Epoch);
        Inventory.Ports = [new DiscoveredPort("eth0", "02:00:00:00:00:10", true, 1000), new DiscoveredPort("eth1", "02:00:00:00:00:11", false, null)];
        Feed.Publish(new SnapshotUpdate(Running()));

        var cut = Render<Home>();

        Assert.Equal("eth0 lan · link up · 1 Gbit/s", Text(cut, "dash-port-eth0").Replace('\u00a0', ' '));
        Assert.Equal("eth1 wan · no link", Text(cut, "dash-port-eth1").Replace('\u00a0', ' '));
        Assert.Equal("eth9 wan · missing", Text(cut, "dash-port-eth9").Replace('\u00a0', ' '));

        Inventory.Ports = [Inventory.Ports[0], new DiscoveredPort("eth1", "02:00:00:00:00:11", true, 100)];
        Clock.Advance(TimeSpan.FromSeconds(5));

        cut.WaitForAssertion(() => Assert.Equal("eth1 wan · link up · 100 Mbit/s", Text(cut, "dash-port-eth1").Replace('\u00a0', ' ')));
    }

    [Fact]
    public void Without_ports_the_panel_is_not_shown()
    {
        Feed.Publish(new SnapshotUpdate(Running(Wan("dsl"))));

        var cut = Render<Home>();

        Assert.Empty(cut.FindAll("[data-testid='ports-panel']"));
    }
}
