using Appliance.Engine.Network.Services;

namespace Appliance.Engine.Tests.Network.Services;

public class UdhcpcEventTests
{
    [Fact]
    public void Renew_carries_the_lease_like_bound()
    {
        Assert.True(UdhcpcEvent.TryParse("@dhcp renew ip=198.51.100.20 mask=25 router=198.51.100.126 dns= lease=120 server=198.51.100.1", out var ev));
        Assert.Equal(new DhcpEvent(DhcpEventKind.Renewed, "198.51.100.20/25", "198.51.100.126", ev.Dns, 120, "198.51.100.1"), ev);
        Assert.Empty(ev.Dns);
    }

    [Fact]
    public void A_lease_without_router_or_server_still_parses()
    {
        Assert.True(UdhcpcEvent.TryParse("@dhcp bound ip=198.51.100.20 mask=24 router= dns=198.51.100.53 lease= server=", out var ev));
        Assert.Null(ev.Gateway);
        Assert.Null(ev.LeaseSeconds);
        Assert.Null(ev.Server);
    }

    [Theory]
    [InlineData("@dhcp deconfig", DhcpEventKind.Deconfigured)]
    [InlineData("@dhcp leasefail", DhcpEventKind.LeaseFailed)]
    [InlineData("@dhcp nak\n", DhcpEventKind.Nak)]
    public void Events_without_a_lease_carry_nothing(string line, DhcpEventKind kind)
    {
        Assert.True(UdhcpcEvent.TryParse(line, out var ev));
        Assert.Equal(new DhcpEvent(kind, null, null, ev.Dns, null, null), ev);
        Assert.Empty(ev.Dns);
    }

    [Theory]
    [InlineData("udhcpc: started, v1.35.0")]
    [InlineData("udhcpc: lease of 198.51.100.10 obtained from 198.51.100.1, lease time 3600")]
    [InlineData("@dhcp")]
    [InlineData("@dhcp release")]
    [InlineData("@dhcp deconfig ip=198.51.100.10")]
    [InlineData(" @dhcp deconfig")]
    [InlineData("@dhcpx bound ip=198.51.100.10 mask=24")]
    [InlineData("@dhcp bound mask=24 router=198.51.100.1")]
    [InlineData("@dhcp bound ip=198.51.100.10")]
    [InlineData("@dhcp bound ip=198.51.100.10 mask=33")]
    [InlineData("@dhcp bound ip=198.51.100.10 mask=0")]
    [InlineData("@dhcp bound ip=198.51.100.10/24 mask=24")]
    [InlineData("@dhcp bound ip=2001:db8::10 mask=24")]
    [InlineData("@dhcp bound ip=198.51.100.10 mask=24 router=198.51.100.1,198.51.100.2")]
    [InlineData("@dhcp bound ip=198.51.100.10 mask=24 dns=198.51.100.53,x")]
    [InlineData("@dhcp bound ip=198.51.100.10 mask=24 lease=-1")]
    [InlineData("@dhcp bound ip=198.51.100.10 mask=24 lease=99999999999")]
    [InlineData("@dhcp bound ip=198.51.100.10 mask=24 ip=198.51.100.11")]
    [InlineData("@dhcp bound ip=198.51.100.10 mask=24 domain=isp.example")]
    [InlineData("@dhcp bound ip=198.51.100.10 mask=24 ")]
    [InlineData("@dhcp bound ip=198.51.100.10  mask=24")]
    [InlineData("@dhcp bound ip=255.255.255.255 mask=24")]
    [InlineData("@dhcp bound ip=0x7f.1 mask=24")]
    public void Anything_but_the_exact_format_is_no_event(string line) => Assert.False(UdhcpcEvent.TryParse(line, out _));
}
