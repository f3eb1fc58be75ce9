using Appliance.Engine.Configuration;

namespace Appliance.Engine.Tests.Configuration;

public sealed class LanValidatorTests
{
    [Theory]
    [InlineData("lan")]
    [InlineData("home.arpa")]
    [InlineData("site-7.example")]
    public void Good_domains_are_accepted(string domain)
    {
        Assert.Empty(RouterConfigs.Valid().WithLan(l => l with { Domain = domain }).Paths());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("lan.")]
    [InlineData("my lan")]
    [InlineData("lan\n")]
    [InlineData("-lan")]
    public void Bad_domains_are_refused(string? domain)
    {
        Assert.Equal(["settings.lan.domain"], RouterConfigs.Valid().WithLan(l => l with { Domain = domain! }).Paths());
    }

    [Fact]
    public void A_label_over_63_characters_is_refused()
    {
        Assert.Equal(["settings.lan.domain"], RouterConfigs.Valid().WithLan(l => l with { Domain = new string('a', 64) + ".lan" }).Paths());
    }

    [Fact]
    public void Manual_upstreams_need_one_to_four_valid_servers()
    {
        var manual = RouterConfigs.Valid().WithLan(l => l with { Dns = l.Dns with { Upstreams = DnsUpstreams.Manual } });
        Assert.Equal(["settings.lan.dns.servers"], manual.Paths());

        var five = manual.WithLan(l => l with { Dns = l.Dns with { Servers = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5"] } });
        Assert.Equal(["settings.lan.dns.servers"], five.Paths());

        var bad = manual.WithLan(l => l with { Dns = l.Dns with { Servers = ["198.51.100.1", "resolver.example", "198.51.100.1\n"] } });
        Assert.Equal(["settings.lan.dns.servers[1]", "settings.lan.dns.servers[2]"], bad.Paths());

        Assert.Empty(manual.WithLan(l => l with { Dns = l.Dns with { Servers = ["198.51.100.53", "203.0.113.53"] } }).Paths());
    }

    [Fact]
    public void Wan_upstreams_need_no_servers_but_kept_ones_must_be_addresses()
    {
        Assert.Empty(RouterConfigs.Valid().Paths());
        Assert.Equal(["settings.lan.dns.servers[0]"],
            RouterConfigs.Valid().WithLan(l => l with { Dns = l.Dns with { Servers = ["x;y"] } }).Paths());
    }

    [Fact]
    public void The_dns_forwarder_needs_a_lan_address()
    {
        var config = RouterConfigs.Valid().WithLan(l => l with { Addresses = [], Dhcp = new LanDhcpSettings() });

        Assert.Equal(["settings.lan.dns.enabled"], config.Paths());
    }

    [Fact]
    public void Null_sections_are_required()
    {
        Assert.Equal(["settings.lan.dhcp", "settings.lan.dns"], RouterConfigs.Valid().WithLan(l => l with { Dhcp = null!, Dns = null! }).Paths());
        Assert.Equal(["settings.lan.dhcp.staticLeases", "settings.lan.dns.servers"],
            RouterConfigs.Valid().WithLan(l => l with { Dhcp = l.Dhcp with { StaticLeases = null! }, Dns = l.Dns with { Servers = null! } }).Paths());
    }
}
