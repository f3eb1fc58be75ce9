using System.Globalization;
using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Appliance.Web.Components.Config;
using Appliance.Web.Components.Pages;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests.Components.Config;

public sealed class WanAddressingTests : ConfigComponentTest
{
    private const string StoredPassword = "the-isps-pppoe-secret-42";

    private static WanLink Pppoe(string name, string iface) => new()
    {
        Name = name, Interface = iface, Probes = new ProbeSettings { Targets = ["198.51.100.1"] },
        Addressing = new WanAddressing
        {
            Mode = AddressingMode.Pppoe,
            Pppoe = new PppoeSettings { Username = "customer@isp", Password = StoredPassword, ServiceName = "fiber", Mtu = 1480 },
        },
    };

    [Fact]
    public async Task A_wan_switched_to_pppoe_in_the_form_is_saved_with_the_account_and_a_learned_gateway()
    {
        await WanStore.CreateAsync(Wan("dsl", "eth1"), Tester, Ct);
        var cut = Render<Wans>();

        cut.Find("[data-testid='wan-edit-dsl']").Click();
        Assert.Equal(AddressingMode.Static, cut.FindComponent<WanForm>().Instance.Draft.Addressing.Mode);
        Selects.Choose(cut, "wan-addressing-mode", AddressingMode.Pppoe);
        cut.Find("input[data-testid='wan-pppoe-username']").Change(" customer@isp ");
        cut.Find("input[data-testid='wan-pppoe-password']").Change("a-new-password-1");
        cut.Find("input[data-testid='wan-pppoe-mtu']").Change("1480");
        Assert.Equal("learned", cut.Find("input[data-testid='wan-gateway-learned']").GetAttribute("value"));
        cut.Find("[data-testid='wan-save']").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='wan-form']")));
        var saved = (await WanStore.GetAsync("dsl", Ct)).Value;
        Assert.Equal(WanLink.DhcpGateway, saved.Gateway);
        ModelFields.Equal(
            new WanAddressing { Mode = AddressingMode.Pppoe, Pppoe = new PppoeSettings { Username = "customer@isp", Password = "a-new-password-1", Mtu = 1480 } },
            saved.Addressing!);
    }

    [Fact]
    public async Task A_static_address_and_dns_servers_are_saved_with_the_typed_gateway()
    {
        var cut = Render<Wans>();
        cut.Find("[data-testid='wan-add']").Click();
        cut.Find("input[data-testid='wan-name']").Change("fiber");
        cut.Find("input[data-testid='wan-interface']").Change("eth2");
        Selects.Choose(cut, "wan-addressing-mode", AddressingMode.Static);
        cut.Find("input[data-testid='wan-gateway']").Change("203.0.113.1");
        cut.Find("input[data-testid='wan-address']").Change(" 203.0.113.2/24 ");
        cut.Find("textarea[data-testid='wan-dns-servers']").Change("192.0.2.53\n 198.51.100.53");
        cut.Find("textarea[data-testid='wan-targets']").Change("198.51.100.1");
        cut.Find("[data-testid='wan-save']").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='wan-form']")));
        var saved = (await WanStore.GetAsync("fiber", Ct)).Value;
        Assert.Equal("203.0.113.1", saved.Gateway);
        ModelFields.Equal(
            new WanAddressing { Mode = AddressingMode.Static, Address = "203.0.113.2/24", DnsServers = ["192.0.2.53", "198.51.100.53"] },
            saved.Addressing!);
    }

    [Fact]
    public async Task The_pppoe_password_is_never_shown_and_an_empty_field_keeps_it()
    {
        await WanStore.CreateAsync(Pppoe("dsl", "eth1"), Tester, Ct);
        await RevisionLog.ApplyAsync("baseline", 0, Tester, Ct);
        var bar = Render<ApplyBar>();
        var cut = Render<Wans>();

        cut.Find("[data-testid='wan-edit-dsl']").Click();
        var password = cut.Find("input[data-testid='wan-pppoe-password']");
        Assert.Equal("unchanged", password.GetAttribute("placeholder"));
        Assert.True(string.IsNullOrEmpty(password.GetAttribute("value")));
        Assert.DoesNotContain(StoredPassword, cut.Markup, StringComparison.Ordinal);
        cut.Find("input[data-testid='wan-weight']").Change("4");
        cut.Find("[data-testid='wan-save']").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='wan-form']")));
        var saved = (await WanStore.GetAsync("dsl", Ct)).Value;
        Assert.Equal((4, StoredPassword, "fiber"), (saved.Weight, saved.Addressing?.Pppoe?.Password, saved.Addressing?.Pppoe?.ServiceName));

        // A new password: the pending changes say it changed, never what it was or is.
        cut.Find("[data-testid='wan-edit-dsl']").Click();
        cut.Find("input[data-testid='wan-pppoe-password']").Change("a-replacement-password-7");
        cut.Find("[data-testid='wan-save']").Click();
        cut.WaitForAssertion(() => Assert.Equal("a-replacement-password-7", WanStore.GetAsync("dsl", Ct).Result.Value.Addressing?.Pppoe?.Password));
        bar.WaitForAssertion(() => Assert.Contains("pppoe.password: changed", bar.Find("[data-testid='diff']").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(StoredPassword, bar.Markup + cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("a-replacement-password-7", bar.Markup + cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_address_shows_the_message_under_the_address_field()
    {
        Services.AddSingleton<IWanStore>(new RefusingWanStore(WanStore, new Refusals()
            .Add("addressing.address", "must be an address with a prefix length, e.g. 198.51.100.2/24")
            .Add("addressing.dnsServers[1]", "must be an IP address")));
        var cut = Render<Wans>();
        cut.Find("[data-testid='wan-add']").Click();
        Selects.Choose(cut, "wan-addressing-mode", AddressingMode.Static);
        cut.Find("input[data-testid='wan-address']").Change("203.0.113.2");
        cut.Find("textarea[data-testid='wan-dns-servers']").Change("192.0.2.53\nnot-a-server");

        cut.Find("[data-testid='wan-save']").Click();

        cut.WaitForAssertion(() => Assert.Contains("must be an address with a prefix length", FieldText(cut, "wan-address"), StringComparison.Ordinal));
        Assert.Contains("entry 2: must be an IP address", FieldText(cut, "wan-dns-servers"), StringComparison.Ordinal);
        Assert.DoesNotContain("prefix length", FieldText(cut, "wan-gateway"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_wan_list_shows_the_learned_address_and_follows_a_new_lease()
    {
        await WanStore.CreateAsync(Wan("cable", "eth2") with { Gateway = WanLink.DhcpGateway }, Tester, Ct);
        var cut = Render<Wans>();
        Assert.Contains("DHCP: no address yet", cut.Find("[data-testid='wan-learned-cable']").TextContent, StringComparison.Ordinal);

        var expires = Clock.GetUtcNow().AddMinutes(30);
        Addresses.Set(new WanAddressState("cable", AddressingMode.Dhcp, "eth2", "198.51.100.20/24", "198.51.100.1", ["192.0.2.53"], Clock.GetUtcNow(), expires, "bound"));

        var local = TimeZoneInfo.ConvertTime(expires, TimeZoneInfo.Local).ToString("HH:mm", CultureInfo.InvariantCulture);
        cut.WaitForAssertion(() => Assert.Contains($"DHCP lease until {local}", cut.Find("[data-testid='wan-learned-cable']").TextContent, StringComparison.Ordinal));
        Assert.Contains("198.51.100.20/24 via 198.51.100.1", cut.Find("[data-testid='wan-learned-cable']").TextContent, StringComparison.Ordinal);
    }
}
