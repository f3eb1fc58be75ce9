using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Appliance.Web.Components.Pages;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests.Components.Config;

public sealed class LanPageTests : ConfigComponentTest
{
    private const string HubKey = "stored-secret-key-0123456789";

    private static readonly LanSettings Stored = new()
    {
        Interfaces = ["lan9"],
        Addresses = ["198.18.0.1/24"],
        Domain = "home",
        Dhcp = new LanDhcpSettings
        {
            Enabled = true, RangeStart = "198.18.0.100", RangeEnd = "198.18.0.150", LeaseTimeSeconds = 3600,
            StaticLeases = [new StaticLease { Mac = "02:00:00:00:00:01", Address = "198.18.0.10", Name = "printer" }],
        },
        Dns = new LanDnsSettings { Enabled = true, Upstreams = DnsUpstreams.Wan },
    };

    private async Task StoreLanAsync()
    {
        var settings = await Store.GetSettingsAsync(Ct);
        await Store.UpdateSettingsAsync(settings.Value with { Lan = Stored, Hub = new HubPeerSettings { Address = "203.0.113.200", EdgeId = "b1", Key = HubKey } }, settings.Version, Tester, Ct);
    }

    [Fact]
    public async Task The_lan_edited_on_the_page_is_saved_as_the_model_with_the_edits_and_the_rest_of_the_settings_kept()
    {
        await StoreLanAsync();
        var cut = Render<Lan>();

        cut.Find("input[data-testid='lan-range-end']").Change(" 198.18.0.199 ");
        cut.Find("input[data-testid='lan-lease-time']").Change("7200");
        cut.Find("button[data-testid='lan-lease-add']").Click();
        cut.Find("input[data-testid='lan-lease-mac-1']").Change("02:00:00:00:00:02");
        cut.Find("input[data-testid='lan-lease-address-1']").Change("198.18.0.11");
        Selects.Choose(cut, "lan-dns-upstreams", DnsUpstreams.Manual);
        cut.Find("textarea[data-testid='lan-dns-servers']").Change("192.0.2.53\n198.51.100.53");
        cut.Find("button[data-testid='lan-save']").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='lan-saved']")));
        var expected = Stored with
        {
            Dhcp = Stored.Dhcp with
            {
                RangeEnd = "198.18.0.199", LeaseTimeSeconds = 7200,
                StaticLeases = [Stored.Dhcp.StaticLeases[0], new StaticLease { Mac = "02:00:00:00:00:02", Address = "198.18.0.11" }],
            },
            Dns = new LanDnsSettings { Enabled = true, Upstreams = DnsUpstreams.Manual, Servers = ["192.0.2.53", "198.51.100.53"] },
        };
        var saved = (await Store.GetSettingsAsync(Ct)).Value;
        ModelFields.Equal(expected, saved.Lan);
        Assert.Equal(HubKey, saved.Hub.Key);
        Assert.Equal("203.0.113.200", saved.Hub.Address);
    }

    [Fact]
    public async Task Removing_a_static_lease_row_and_turning_dhcp_off_is_saved()
    {
        await StoreLanAsync();
        var cut = Render<Lan>();

        cut.Find("button[data-testid='lan-lease-remove-0']").Click();
        var toggle = cut.Find("[data-testid='lan-dhcp-enabled']");
        (toggle.TagName == "INPUT" ? toggle : toggle.QuerySelector("input")!).Change(false);
        cut.Find("button[data-testid='lan-save']").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='lan-saved']")));
        var dhcp = (await Store.GetSettingsAsync(Ct)).Value.Lan.Dhcp;
        Assert.False(dhcp.Enabled);
        Assert.Empty(dhcp.StaticLeases);
    }

    [Fact]
    public async Task An_invalid_lan_address_shows_the_stores_message_under_the_addresses_field()
    {
        var cut = Render<Lan>();

        cut.Find("textarea[data-testid='lan-addresses']").Change("198.18.0.1/24\nnot-an-address");
        cut.Find("button[data-testid='lan-save']").Click();

        cut.WaitForAssertion(() => Assert.Contains("entry 2:", FieldText(cut, "lan-addresses"), StringComparison.Ordinal));
        Assert.Empty((await Store.GetSettingsAsync(Ct)).Value.Lan.Addresses);
    }

    [Fact]
    public async Task Refusals_of_the_range_and_of_a_static_lease_show_next_to_their_fields()
    {
        await StoreLanAsync();
        Services.AddSingleton<IConfigStore>(new RefusingConfigStore(Store, new Refusals()
            .Add("settings.lan.dhcp.rangeStart", "must lie in 198.18.0.0/24")
            .Add("settings.lan.dhcp.staticLeases[0].mac", "must be a MAC address like 02:00:00:00:00:01")
            .Add("wans[0].gateway", "elsewhere in the configuration")));
        var cut = Render<Lan>();

        cut.Find("button[data-testid='lan-save']").Click();

        cut.WaitForAssertion(() => Assert.Contains("must lie in 198.18.0.0/24", FieldText(cut, "lan-range-start"), StringComparison.Ordinal));
        Assert.Contains("must be a MAC address", FieldText(cut, "lan-lease-mac-0"), StringComparison.Ordinal);
        Assert.DoesNotContain("must be a MAC address", FieldText(cut, "lan-lease-address-0"), StringComparison.Ordinal);
        Assert.Contains("wans[0].gateway: elsewhere in the configuration", cut.Find("[data-testid='error']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_current_leases_are_listed_and_read_again_while_the_page_is_open()
    {
        var expires = Clock.GetUtcNow().AddHours(2);
        Leases.Leases = [new LanLease("02:00:00:00:00:21", "198.18.0.120", "laptop", expires, false)];
        var cut = Render<Lan>();

        var row = cut.Find("[data-testid='lan-lease-02:00:00:00:00:21']").ParentElement!.TextContent;
        Assert.Contains("198.18.0.120", row, StringComparison.Ordinal);
        Assert.Contains("laptop", row, StringComparison.Ordinal);
        Assert.Contains(TimeZoneInfo.ConvertTime(expires, TimeZoneInfo.Local).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), row, StringComparison.Ordinal);

        Leases.Leases = [.. Leases.Leases, new LanLease("02:00:00:00:00:01", "198.18.0.10", "printer", null, true)];
        Clock.Advance(TimeSpan.FromSeconds(10));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid='lan-leases'] tbody tr").Count));
        Assert.Contains("never", cut.Find("[data-testid='lan-lease-02:00:00:00:00:01']").ParentElement!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_the_settings_page_keeps_the_lans_dhcp_and_dns()
    {
        await StoreLanAsync();
        var cut = Render<Settings>();

        cut.Find("textarea[data-testid='lan-addresses']").Change("198.18.0.1/24\n198.18.1.1/24");
        cut.Find("button[data-testid='settings-save']").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='settings-saved']")));
        var lan = (await Store.GetSettingsAsync(Ct)).Value.Lan;
        Assert.Equal(["198.18.0.1/24", "198.18.1.1/24"], lan.Addresses);
        Assert.Equal(Stored.Dhcp.StaticLeases, lan.Dhcp.StaticLeases);
        Assert.Equal((true, "198.18.0.100", true, "home"), (lan.Dhcp.Enabled, lan.Dhcp.RangeStart, lan.Dns.Enabled, lan.Domain));
    }
}
