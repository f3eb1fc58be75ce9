using System.Net;
using Appliance.Engine.Bonding;

namespace Appliance.Engine.Tests.Bonding;

/// <summary>Where the hub may connect for an edge: every default refusal, the allow list's reach, and what it can never open.</summary>
public sealed class DestinationPolicyTests
{
    private static readonly DestinationPolicy Hub = new([IPNetwork.Parse("203.0.113.20/32"), IPNetwork.Parse("2001:db8:20::1/128"), IPNetwork.Parse("198.51.100.0/28")]);

    private static string? Judge(string address, int port = 443, params string[] allow) =>
        Hub.RefusedBecause(new IPEndPoint(IPAddress.Parse(address), port), [.. allow.Select(IPNetwork.Parse)]);

    [Theory]
    // Private use (RFC 1918), each range at its edges.
    [InlineData("10.0.0.0", "private-use")]
    [InlineData("10.255.255.255", "private-use")]
    [InlineData("172.16.0.1", "private-use")]
    [InlineData("172.31.255.254", "private-use")]
    [InlineData("192.168.0.1", "private-use")]
    [InlineData("192.168.255.255", "private-use")]
    // Shared address space (carrier-grade NAT), link-local (cloud metadata), reserved.
    [InlineData("100.64.0.1", "shared address space")]
    [InlineData("100.127.255.254", "shared address space")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("169.254.0.1", "link-local")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("254.255.255.255", "reserved")]
    // IPv6: unique-local, link-local, site-local, IPv4-compatible.
    [InlineData("fc00::1", "unique-local")]
    [InlineData("fd12:3456::1", "unique-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf:ffff::1", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("::a9fe:a9fe", "IPv4-compatible")]
    // IPv4 in IPv6 clothing is judged as the IPv4 address it is.
    [InlineData("::ffff:10.1.2.3", "private-use")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local (through NAT64)")]
    [InlineData("64:ff9b::c0a8:101", "private-use (through NAT64)")]
    // The hub's own addresses, and everything in a prefix routed to it as a whole.
    [InlineData("203.0.113.20", "an address of the hub itself")]
    [InlineData("::ffff:203.0.113.20", "an address of the hub itself")]
    [InlineData("2001:db8:20::1", "an address of the hub itself")]
    [InlineData("198.51.100.7", "an address of the hub itself")]
    [InlineData("64:ff9b::cb00:7114", "an address of the hub itself (through NAT64)")]
    public void Refuses_by_default(string address, string why) => Assert.Equal(why, Judge(address));

    [Theory]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "unspecified")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.255", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("64:ff9b::7f00:1", "loopback (through NAT64)")]
    public void Never_allows_loopback_unspecified_multicast_or_broadcast_whatever_the_allow_list_says(string address, string why)
    {
        Assert.Equal(why, Judge(address));
        Assert.Equal(why, Judge(address, 443, "0.0.0.0/0", "::/0", address.Contains(':', StringComparison.Ordinal) ? "::/0" : address + "/32"));
    }

    [Fact]
    public void Port_zero_is_never_a_destination() => Assert.Equal("port 0", Judge("198.51.100.200", 0, "0.0.0.0/0"));

    [Theory]
    [InlineData("1.1.1.1")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("198.18.11.2")]
    [InlineData("203.0.113.10")]
    [InlineData("223.255.255.255")]
    [InlineData("2001:db8::10")]
    [InlineData("2a00:1450::1")]
    [InlineData("::ffff:203.0.113.10")]
    [InlineData("64:ff9b::cb00:710a")]
    public void Public_destinations_are_permitted(string address) => Assert.Null(Judge(address));

    [Theory]
    [InlineData("10.20.1.2", "10.20.0.0/16")]
    [InlineData("10.20.1.2", "10.0.0.0/8")]
    [InlineData("172.20.0.5", "172.16.0.0/12")]
    [InlineData("192.168.7.7", "192.168.7.7/32")]
    [InlineData("169.254.169.254", "169.254.169.254/32")]
    [InlineData("100.64.1.1", "100.64.0.0/10")]
    [InlineData("240.1.2.3", "240.0.0.0/4")]
    [InlineData("fd00:20::5", "fd00:20::/48")]
    [InlineData("fe80::1", "fe80::/10")]
    [InlineData("::ffff:10.20.1.2", "10.20.0.0/16")]
    [InlineData("10.20.1.2", "0.0.0.0/0")]
    public void An_allow_list_entry_opens_what_it_covers(string address, string allow) => Assert.Null(Judge(address, 443, allow));

    [Theory]
    [InlineData("10.21.0.1", "10.20.0.0/16")]
    [InlineData("192.168.7.8", "192.168.7.7/32")]
    [InlineData("fd00:21::5", "fd00:20::/48")]
    [InlineData("10.20.1.2", "fd00::/8")]
    public void An_allow_list_entry_opens_nothing_beyond_it(string address, string allow) => Assert.NotNull(Judge(address, 443, allow));

    [Fact]
    public void The_hubs_own_address_is_opened_only_by_an_entry_naming_that_one_address()
    {
        // A broad entry (the HQ network the hub sits in, or everything) leaves the hub's own address closed.
        Assert.Equal("an address of the hub itself", Judge("203.0.113.20", 22, "203.0.113.0/24"));
        Assert.Equal("an address of the hub itself", Judge("203.0.113.20", 22, "0.0.0.0/0"));
        Assert.Equal("an address of the hub itself", Judge("198.51.100.7", 22, "198.51.100.0/28"));
        Assert.Null(Judge("203.0.113.20", 22, "203.0.113.20/32"));
        Assert.Null(Judge("2001:db8:20::1", 22, "2001:db8:20::1/128"));
        Assert.Null(Judge("198.51.100.7", 22, "198.51.100.7/32"));
    }

    [Fact]
    public void Without_known_own_addresses_the_default_refusals_still_hold()
    {
        var policy = DestinationPolicy.WithoutOwnAddresses;
        Assert.Null(policy.RefusedBecause(new IPEndPoint(IPAddress.Parse("203.0.113.20"), 22), []));
        Assert.Equal("link-local", policy.RefusedBecause(new IPEndPoint(IPAddress.Parse("169.254.169.254"), 80), []));
    }

    [Fact]
    public void Own_prefixes_given_as_IPv4_mapped_count_as_IPv4()
    {
        var policy = new DestinationPolicy([IPNetwork.Parse("::ffff:198.51.100.0/120")]);
        Assert.Equal("an address of the hub itself", policy.RefusedBecause(new IPEndPoint(IPAddress.Parse("198.51.100.9"), 80), []));
    }

    [Theory]
    [InlineData("127.0.0.0/8", "loopback")]
    [InlineData("127.1.0.0/16", "loopback")]
    [InlineData("224.0.0.0/4", "multicast")]
    [InlineData("239.1.0.0/16", "multicast")]
    [InlineData("255.255.255.255/32", "broadcast")]
    [InlineData("0.0.0.0/8", "unspecified")]
    [InlineData("::1/128", "loopback")]
    [InlineData("ff00::/8", "multicast")]
    [InlineData("::/128", "unspecified")]
    [InlineData("0.0.0.0/0", null)]
    [InlineData("10.0.0.0/8", null)]
    [InlineData("120.0.0.0/5", null)]
    [InlineData("::/0", null)]
    public void An_allow_list_entry_that_could_never_open_anything_is_named(string network, string? why) =>
        Assert.Equal(why, DestinationPolicy.NeverAllowed(IPNetwork.Parse(network)));
}
