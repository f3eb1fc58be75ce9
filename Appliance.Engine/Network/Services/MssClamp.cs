namespace Appliance.Engine.Network.Services;

/// <summary>
/// TCP's maximum segment size on a link with a smaller MTU (PPPoE: 1492): what a SYN's MSS option is clamped to, so
/// LAN hosts that assume 1500 bytes do not send segments the link drops (and whose ICMP "too big" is often filtered).
/// </summary>
public static class MssClamp
{
    /// <summary>IPv4: the MTU less 20 bytes of IP header and 20 of TCP header.</summary>
    public static int For(int mtu) => mtu > 40 ? mtu - 40 : throw new ArgumentOutOfRangeException(nameof(mtu), mtu, "MTU too small");

    /// <summary>IPv6: the MTU less 40 bytes of IPv6 header and 20 of TCP header.</summary>
    public static int ForIpv6(int mtu) => mtu > 60 ? mtu - 60 : throw new ArgumentOutOfRangeException(nameof(mtu), mtu, "MTU too small");
}
