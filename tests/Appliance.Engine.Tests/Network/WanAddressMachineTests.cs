using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Appliance.Engine.Network.Services;

namespace Appliance.Engine.Tests.Network;

public sealed class WanAddressMachineTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly WanLink Cable = new() { Name = "cable", Interface = "eth2" };

    private static DhcpEvent Bound(string address = "198.51.100.10/24", string gateway = "198.51.100.1", int lease = 3600) =>
        new(DhcpEventKind.Bound, address, gateway, ["198.51.100.53"], lease, "198.51.100.1");

    [Fact]
    public void A_bound_lease_gives_address_gateway_dns_and_expiry()
    {
        var state = WanAddressMachine.OnDhcp(Cable, Bound(), WanAddressMachine.Waiting(Cable), Now);

        Assert.Equal(("198.51.100.10/24", "198.51.100.1", "eth2"), (state.Address, state.Gateway, state.Device));
        Assert.Equal(["198.51.100.53"], state.DnsServers);
        Assert.Equal(Now.AddHours(1), state.Expires);
        Assert.True(state.Bound);
        Assert.Equal("DHCP lease from 198.51.100.1 until 2026-03-01 13:00:00 UTC", state.State);
    }

    [Fact]
    public void A_renewal_with_a_new_address_replaces_the_old()
    {
        var bound = WanAddressMachine.OnDhcp(Cable, Bound(), WanAddressMachine.Waiting(Cable), Now);

        var renewed = WanAddressMachine.OnDhcp(Cable, Bound("198.51.100.20/24", "198.51.100.2") with { Kind = DhcpEventKind.Renewed }, bound, Now.AddMinutes(30));

        Assert.Equal(("198.51.100.20/24", "198.51.100.2"), (renewed.Address, renewed.Gateway));
        Assert.Equal(Now.AddMinutes(90), renewed.Expires);
    }

    [Theory]
    [InlineData(DhcpEventKind.Deconfigured)]
    [InlineData(DhcpEventKind.Nak)]
    [InlineData(DhcpEventKind.LeaseFailed)]
    public void Losing_the_lease_clears_the_address(DhcpEventKind kind)
    {
        var bound = WanAddressMachine.OnDhcp(Cable, Bound(), WanAddressMachine.Waiting(Cable), Now);

        var lost = WanAddressMachine.OnDhcp(Cable, new DhcpEvent(kind, null, null, [], null, null), bound, Now);

        Assert.False(lost.Bound);
        Assert.Null(lost.Address);
        Assert.Null(lost.Expires);
    }

    [Fact]
    public void Configured_dns_servers_win_over_the_learned_ones()
    {
        var wan = Cable with { Addressing = new WanAddressing { DnsServers = ["192.0.2.53"] } };

        var state = WanAddressMachine.OnDhcp(wan, Bound(), WanAddressMachine.Waiting(wan), Now);

        Assert.Equal(["192.0.2.53"], state.DnsServers);
    }

    [Fact]
    public void A_ppp_session_gives_a_host_address_and_the_peer_as_gateway()
    {
        var wan = new WanLink { Name = "dsl", Interface = "eth4", Addressing = new WanAddressing { Mode = AddressingMode.Pppoe } };

        var up = WanAddressMachine.OnPpp(wan, new PppEvent(PppEventKind.Up, "ppp-dsl", "192.0.2.77", "192.0.2.1", ["192.0.2.53"]), WanAddressMachine.Waiting(wan), Now);
        var gone = WanAddressMachine.PppGone(up);

        Assert.Equal(("ppp-dsl", "192.0.2.77/32", "192.0.2.1"), (up.Device, up.Address, up.Gateway));
        Assert.False(gone.Bound);
    }

    [Fact]
    public void A_ppp_peer_that_sends_one_dns_server_twice_gives_it_once()
    {
        var wan = new WanLink { Name = "dsl", Interface = "eth4", Addressing = new WanAddressing { Mode = AddressingMode.Pppoe } };

        var up = WanAddressMachine.OnPpp(wan, new PppEvent(PppEventKind.Up, "ppp-dsl", "192.0.2.77", "192.0.2.1", ["192.0.2.53", "192.0.2.53"]), WanAddressMachine.Waiting(wan), Now);

        Assert.Equal(["192.0.2.53"], up.DnsServers);
    }

    [Fact]
    public void A_static_wan_is_its_configuration()
    {
        var wan = new WanLink { Name = "fiber", Interface = "eth3", Gateway = "203.0.113.1", Addressing = new WanAddressing { Mode = AddressingMode.Static, Address = "203.0.113.2/24" } };

        var state = WanAddressMachine.Waiting(wan);

        Assert.Equal(("203.0.113.2/24", "203.0.113.1", AddressingMode.Static), (state.Address, state.Gateway, state.Mode));
    }
}
