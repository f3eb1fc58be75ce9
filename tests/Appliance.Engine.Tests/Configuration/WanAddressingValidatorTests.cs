using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Engine.Tests.Configuration;

public sealed class WanAddressingValidatorTests
{
    private static ApplianceConfig Static(string? address, string gateway = "198.51.100.1") =>
        RouterConfigs.Valid().WithWan(1, w => w with { Gateway = gateway, Addressing = w.Addressing! with { Address = address } });

    [Fact]
    public void Dhcp_and_pppoe_need_a_learned_gateway()
    {
        Assert.Equal(["wans[0].gateway"], RouterConfigs.Valid().WithWan(0, w => w with { Gateway = "198.51.100.1" }).Paths());
        Assert.Equal(["wans[0].gateway"], RouterConfigs.Valid().WithPppoe().WithWan(0, w => w with { Gateway = "198.51.100.1" }).Paths());
    }

    [Fact]
    public void Static_needs_the_gateways_address()
    {
        Assert.Equal(["wans[1].gateway"], Static("198.51.100.2/24", gateway: "dhcp").Paths());
    }

    [Fact]
    public void Static_without_an_address_leaves_the_interface_as_found()
    {
        Assert.Empty(Static(null).Paths());
    }

    [Theory]
    [InlineData("198.51.100.2")] // no prefix
    [InlineData("198.51.100.2/33")]
    [InlineData("198.51.100.2/24\n")]
    [InlineData("203.0.113.2/24")] // the gateway lies outside
    [InlineData("198.51.100.1/24")] // the gateway's own address
    [InlineData("198.51.100.0/24")] // the network address
    [InlineData("198.51.100.255/24")] // the broadcast address
    [InlineData("2001:db8::2/64")] // another family than the gateway
    public void Bad_static_addresses_are_refused(string address)
    {
        Assert.Equal(["wans[1].addressing.address"], Static(address).Paths());
    }

    [Fact]
    public void A_point_to_point_static_address_is_fine()
    {
        Assert.Empty(Static("198.51.100.0/31", gateway: "198.51.100.1").Paths());
    }

    [Fact]
    public void Address_and_pppoe_settings_only_come_with_their_mode()
    {
        var config = RouterConfigs.Valid().WithWan(0, w => w with
        {
            Addressing = new WanAddressing { Address = "198.51.100.9/24", Pppoe = new PppoeSettings { Username = "u", Password = "p" } },
        });

        Assert.Equal(["wans[0].addressing.address", "wans[0].addressing.pppoe"], config.Paths());
    }

    [Fact]
    public void An_undefined_mode_is_refused()
    {
        var config = RouterConfigs.Valid().WithWan(0, w => w with { Addressing = new WanAddressing { Mode = (AddressingMode)7 } });

        Assert.Equal(["wans[0].addressing.mode"], config.Paths());
    }

    [Fact]
    public void Dns_servers_are_unicast_addresses_and_at_most_four()
    {
        var config = RouterConfigs.Valid().WithWan(1, w => w with
        {
            Addressing = w.Addressing! with { DnsServers = ["198.51.100.53", "224.0.0.1", "dns.example", "198.51.100.54", "198.51.100.55"] },
        });

        Assert.Equal(["wans[1].addressing.dnsServers", "wans[1].addressing.dnsServers[1]", "wans[1].addressing.dnsServers[2]"], config.Paths());
    }

    [Fact]
    public void Pppoe_is_valid_with_an_isp_login_and_a_password_with_spaces()
    {
        Assert.Empty(RouterConfigs.Valid().WithPppoe().Paths());
    }

    [Fact]
    public void Pppoe_needs_its_settings_a_username_and_a_password()
    {
        var none = RouterConfigs.Valid().WithWan(0, w => w with { Addressing = new WanAddressing { Mode = AddressingMode.Pppoe } });
        Assert.Equal(["wans[0].addressing.pppoe"], none.Paths());

        var empty = RouterConfigs.Valid().WithPppoe(p => p with { Username = "", Password = null });
        Assert.Equal(["wans[0].addressing.pppoe.password", "wans[0].addressing.pppoe.username"], empty.Paths());
    }

    [Theory]
    [InlineData("user name")]
    [InlineData("user\"x")]
    [InlineData("user'x")]
    [InlineData("user\\x")]
    [InlineData("user\n")]
    [InlineData("user\0")]
    [InlineData("üser")]
    public void Unsafe_usernames_are_refused(string username)
    {
        Assert.Equal(["wans[0].addressing.pppoe.username"], RouterConfigs.Valid().WithPppoe(p => p with { Username = username }).Paths());
    }

    [Fact]
    public void A_username_of_64_characters_is_the_longest()
    {
        Assert.Empty(RouterConfigs.Valid().WithPppoe(p => p with { Username = new string('u', 64) }).Paths());
        Assert.Equal(["wans[0].addressing.pppoe.username"], RouterConfigs.Valid().WithPppoe(p => p with { Username = new string('u', 65) }).Paths());
    }

    [Theory]
    [InlineData("pass\"word")]
    [InlineData("pass'word")]
    [InlineData("pass\\word")]
    [InlineData("password\n")]
    [InlineData("pass\tword")]
    [InlineData("pässword")]
    public void Unsafe_passwords_are_refused_without_being_quoted(string password)
    {
        var errors = RouterConfigs.Valid().WithPppoe(p => p with { Password = password }).Errors();

        Assert.Equal(["wans[0].addressing.pppoe.password"], errors.Keys);
        Assert.DoesNotContain("word", errors.Values.Single()[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_of_128_characters_is_the_longest()
    {
        Assert.Empty(RouterConfigs.Valid().WithPppoe(p => p with { Password = new string('p', 128) }).Paths());
        Assert.Equal(["wans[0].addressing.pppoe.password"], RouterConfigs.Valid().WithPppoe(p => p with { Password = new string('p', 129) }).Paths());
    }

    [Theory]
    [InlineData("isp ac")]
    [InlineData("isp\"ac")]
    [InlineData("isp\n")]
    [InlineData("")]
    public void Unsafe_service_names_are_refused(string name)
    {
        Assert.Equal(["wans[0].addressing.pppoe.serviceName"], RouterConfigs.Valid().WithPppoe(p => p with { ServiceName = name }).Paths());
    }

    [Theory]
    [InlineData(575, false)]
    [InlineData(576, true)]
    [InlineData(1500, true)]
    [InlineData(1501, false)]
    public void The_mtu_lies_between_576_and_1500(int mtu, bool valid)
    {
        var paths = RouterConfigs.Valid().WithPppoe(p => p with { Mtu = mtu }).Paths();

        Assert.Equal(valid ? [] : ["wans[0].addressing.pppoe.mtu"], paths);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var config = RouterConfigs.Valid()
            .WithPppoe(p => p with { Username = "a b", Password = "", ServiceName = "x y", Mtu = 9000 })
            .WithWan(0, w => w with { Gateway = "198.51.100.1" });

        Assert.Equal(
            ["wans[0].addressing.pppoe.mtu", "wans[0].addressing.pppoe.password", "wans[0].addressing.pppoe.serviceName",
             "wans[0].addressing.pppoe.username", "wans[0].gateway"],
            config.Paths());
    }
}
