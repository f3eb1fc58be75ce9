using Appliance.Engine.Configuration;

namespace Appliance.Engine.Tests.Configuration;

public sealed class LanDhcpValidatorTests
{
    private static ApplianceConfig Range(string? start, string? end) =>
        RouterConfigs.Valid().WithDhcp(d => d with { RangeStart = start, RangeEnd = end });

    private static ApplianceConfig Leases(params StaticLease[] leases) =>
        RouterConfigs.Valid().WithDhcp(d => d with { StaticLeases = leases });

    private static StaticLease Lease(string mac, string address, string? name = null) => new() { Mac = mac, Address = address, Name = name };

    [Fact]
    public void The_server_needs_a_lan_port_or_lan_interface()
    {
        var noLan = RouterConfigs.Valid() with { Ports = [new PortConfig { Name = "eth1", Role = PortRole.Wan }, new PortConfig { Name = "eth2", Role = PortRole.Wan }] };
        Assert.Equal(["settings.lan.dhcp.enabled"], noLan.Paths());

        Assert.Empty(noLan.WithLan(l => l with { Interfaces = ["lan0"] }).Paths());
    }

    [Fact]
    public void The_server_needs_an_ipv4_lan_address()
    {
        var config = RouterConfigs.Valid().WithLan(l => l with { Addresses = ["2001:db8::1/64"] });

        Assert.Contains("settings.lan.dhcp.enabled", config.Paths());
    }

    [Fact]
    public void A_disabled_server_needs_no_range()
    {
        Assert.Empty(RouterConfigs.Valid().WithDhcp(d => d with { Enabled = false, RangeStart = null, RangeEnd = null }).Paths());
    }

    [Fact]
    public void An_enabled_server_needs_both_ends_of_its_range()
    {
        Assert.Equal(["settings.lan.dhcp.rangeEnd", "settings.lan.dhcp.rangeStart"], Range(null, null).Paths());
    }

    [Theory]
    [InlineData("198.18.1.100", "198.18.0.199", "rangeStart")] // outside the subnet
    [InlineData("198.18.0.100", "198.18.0.255", "rangeEnd")] // broadcast address
    [InlineData("198.18.0.0", "198.18.0.199", "rangeStart")] // network address
    [InlineData("198.18.0.100", "2001:db8::1", "rangeEnd")]
    [InlineData("198.18.0.100\n", "198.18.0.199", "rangeStart")]
    [InlineData("198.18.0.200", "198.18.0.100", "rangeEnd")] // backwards
    [InlineData("198.18.0.1", "198.18.0.50", "rangeStart")] // holds the appliance's own address
    public void Bad_ranges_are_refused(string start, string end, string field)
    {
        Assert.Equal([$"settings.lan.dhcp.{field}"], Range(start, end).Paths());
    }

    [Fact]
    public void A_range_of_one_address_is_fine()
    {
        Assert.Empty(Range("198.18.0.100", "198.18.0.100").Paths());
    }

    [Theory]
    [InlineData(119, false)]
    [InlineData(120, true)]
    [InlineData(604800, true)]
    [InlineData(604801, false)]
    public void The_lease_time_lies_between_two_minutes_and_a_week(int seconds, bool valid)
    {
        var paths = RouterConfigs.Valid().WithDhcp(d => d with { LeaseTimeSeconds = seconds }).Paths();

        Assert.Equal(valid ? [] : ["settings.lan.dhcp.leaseTimeSeconds"], paths);
    }

    [Theory]
    [InlineData("02:00:5E:10:00:0A")]
    [InlineData("02:00:5e:10:00:0a")]
    public void Macs_are_accepted_in_either_case(string mac)
    {
        Assert.Empty(Leases(Lease(mac, "198.18.0.10")).Paths());
    }

    [Theory]
    [InlineData("02-00-5e-10-00-01")]
    [InlineData("02:00:5e:10:00")]
    [InlineData("02:00:5e:10:00:01\n")]
    [InlineData("01:00:5e:10:00:01")] // multicast
    [InlineData("ff:ff:ff:ff:ff:ff")]
    [InlineData("")]
    public void Bad_macs_are_refused(string mac)
    {
        Assert.Equal(["settings.lan.dhcp.staticLeases[0].mac"], Leases(Lease(mac, "198.18.0.10")).Paths());
    }

    [Theory]
    [InlineData("203.0.113.10")] // outside the subnet
    [InlineData("198.18.0.1")] // the appliance's own
    [InlineData("198.18.0.255")]
    [InlineData("lease")]
    public void Bad_lease_addresses_are_refused(string address)
    {
        Assert.Equal(["settings.lan.dhcp.staticLeases[0].address"], Leases(Lease("02:00:5e:10:00:01", address)).Paths());
    }

    [Theory]
    [InlineData("printer.lan")]
    [InlineData("my printer")]
    [InlineData("printer\n")]
    [InlineData("-printer")]
    [InlineData("")]
    public void Bad_lease_names_are_refused(string name)
    {
        Assert.Equal(["settings.lan.dhcp.staticLeases[0].name"], Leases(Lease("02:00:5e:10:00:01", "198.18.0.10", name)).Paths());
    }

    [Fact]
    public void Macs_addresses_and_names_are_unique_across_leases()
    {
        var config = Leases(
            Lease("02:00:5e:10:00:01", "198.18.0.10", "printer"),
            Lease("02:00:5E:10:00:01", "198.18.0.11", "nas"),
            Lease("02:00:5e:10:00:02", "198.18.0.10", "PRINTER"));

        Assert.Equal(["settings.lan.dhcp.staticLeases[1].mac", "settings.lan.dhcp.staticLeases[2].address", "settings.lan.dhcp.staticLeases[2].name"],
            config.Paths());
    }

    [Fact]
    public void A_null_lease_is_required_and_too_many_are_refused()
    {
        Assert.Equal(["settings.lan.dhcp.staticLeases[0]"], Leases([null!]).Paths());
        var many = Enumerable.Range(0, LanDhcpSettings.MaxStaticLeases + 1)
            .Select(i => Lease($"02:00:00:00:{i / 256:x2}:{i % 256:x2}", "198.18.0.10")).ToArray();
        Assert.Contains("settings.lan.dhcp.staticLeases", Leases(many).Paths());
    }
}
