using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Appliance.Web.Components.Pages;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests.Components.Config;

public sealed class PortsPageTests : ConfigComponentTest
{
    private static readonly DiscoveredPort Eth0 = new("eth0", "02:00:00:00:00:10", true, 1000);
    private static readonly DiscoveredPort Eth1 = new("eth1", "02:00:00:00:00:11", false, null);

    private async Task StorePortsAsync(params PortConfig[] ports)
    {
        var stored = await Store.GetPortsAsync(Ct);
        await Store.UpdatePortsAsync(ports, stored.Version, Tester, Ct);
    }

    private static string Row(IRenderedComponent<Ports> cut, string port) =>
        cut.Find($"[data-testid='port-{port}']").ParentElement!.TextContent;

    [Fact]
    public async Task Discovered_ports_are_listed_with_their_roles_and_a_configured_port_the_box_lacks_is_missing()
    {
        Inventory.Ports = [Eth0, Eth1];
        await StorePortsAsync(new PortConfig { Name = "eth0", Role = PortRole.Lan }, new PortConfig { Name = "eth9", Role = PortRole.Wan });

        var cut = Render<Ports>();

        Assert.Equal(3, cut.FindAll("[data-testid='ports-table'] tbody tr").Count);
        Assert.Contains("02:00:00:00:00:10", Row(cut, "eth0"), StringComparison.Ordinal);
        Assert.Contains("link up", Row(cut, "eth0"), StringComparison.Ordinal);
        Assert.Contains("1 Gbit/s", Row(cut, "eth0"), StringComparison.Ordinal);
        Assert.Contains("no link", Row(cut, "eth1"), StringComparison.Ordinal);
        Assert.NotNull(cut.Find("[data-testid='port-missing-eth9']"));
        Assert.Empty(cut.FindAll("[data-testid='port-missing-eth0']"));
        Assert.NotNull(cut.Find("[data-testid='ports-lockout-warning']"));
    }

    [Fact]
    public void Carrier_and_speed_follow_the_port_while_the_page_is_open()
    {
        Inventory.Ports = [Eth1];
        var cut = Render<Ports>();
        Assert.Contains("no link", Row(cut, "eth1"), StringComparison.Ordinal);

        Inventory.Ports = [Eth1 with { Carrier = true, SpeedMbps = 100 }];
        Clock.Advance(TimeSpan.FromSeconds(2));

        cut.WaitForAssertion(() => Assert.Contains("link up", Row(cut, "eth1"), StringComparison.Ordinal));
        Assert.Contains("100 Mbit/s", Row(cut, "eth1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chosen_role_is_saved_as_the_ports_record_and_the_missing_port_keeps_its_role()
    {
        Inventory.Ports = [Eth0, Eth1];
        await StorePortsAsync(new PortConfig { Name = "eth0", Role = PortRole.Lan }, new PortConfig { Name = "eth9", Role = PortRole.Wan });
        var cut = Render<Ports>();

        Selects.Choose(cut, "port-role-eth1", PortRole.Wan);
        Selects.Choose(cut, "port-role-eth0", PortRole.Management);
        cut.Find("button[data-testid='ports-save']").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='ports-saved']")));
        Assert.Equal(
            [new PortConfig { Name = "eth0", Role = PortRole.Management }, new PortConfig { Name = "eth9", Role = PortRole.Wan }, new PortConfig { Name = "eth1", Role = PortRole.Wan }],
            (await Store.GetPortsAsync(Ct)).Value);
        Assert.Equal(3, (await Store.GetPendingAsync(Ct)).Ports.Count);
    }

    [Fact]
    public async Task Forgetting_a_missing_port_removes_it_from_the_config()
    {
        Inventory.Ports = [Eth0];
        await StorePortsAsync(new PortConfig { Name = "eth0", Role = PortRole.Lan }, new PortConfig { Name = "eth9", Role = PortRole.Wan });
        var cut = Render<Ports>();

        cut.Find("button[data-testid='port-forget-eth9']").Click();
        cut.Find("button[data-testid='ports-save']").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='ports-saved']")));
        Assert.Equal([new PortConfig { Name = "eth0", Role = PortRole.Lan }], (await Store.GetPortsAsync(Ct)).Value);
    }

    [Fact]
    public async Task A_refused_role_shows_the_message_in_its_row_and_stores_nothing()
    {
        Inventory.Ports = [Eth0, Eth1];
        Services.AddSingleton<IConfigStore>(new RefusingConfigStore(Store, new Refusals().Add("ports[0].role", "a second wan port needs a WAN naming it")));
        var cut = Render<Ports>();

        Selects.Choose(cut, "port-role-eth1", PortRole.Wan);
        cut.Find("button[data-testid='ports-save']").Click();

        cut.WaitForAssertion(() => Assert.Contains("a second wan port needs a WAN naming it", Row(cut, "eth1"), StringComparison.Ordinal));
        Assert.DoesNotContain("a second wan port", Row(cut, "eth0"), StringComparison.Ordinal);
        Assert.Empty((await Store.GetPortsAsync(Ct)).Value);
    }
}
