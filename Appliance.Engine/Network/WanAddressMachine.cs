using System.Globalization;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network.Services;

namespace Appliance.Engine.Network;

/// <summary>Pure: what a WAN's addressing is after each report of its DHCP client or PPP session.</summary>
public static class WanAddressMachine
{
    /// <summary>Before the first report.</summary>
    public static WanAddressState Waiting(WanLink wan) => wan.EffectiveAddressing.Mode switch
    {
        AddressingMode.Pppoe => Empty(wan, "connecting the PPPoE session"),
        AddressingMode.Static => Static(wan),
        _ => Empty(wan, "waiting for a DHCP lease"),
    };

    /// <summary>A static WAN: address, gateway and DNS servers as configured.</summary>
    public static WanAddressState Static(WanLink wan)
    {
        var addressing = wan.EffectiveAddressing;
        var gateway = wan.Gateway == WanLink.DhcpGateway ? null : wan.Gateway;
        return new WanAddressState(wan.Name, AddressingMode.Static, wan.Interface, addressing.Address, gateway, addressing.DnsServers, null, null,
            addressing.Address is null ? "static (address set outside the appliance)" : "static");
    }

    public static WanAddressState OnDhcp(WanLink wan, DhcpEvent ev, WanAddressState current, DateTimeOffset now) => ev.Kind switch
    {
        DhcpEventKind.Bound or DhcpEventKind.Renewed => current with
        {
            Address = ev.Address,
            Gateway = ev.Gateway,
            DnsServers = Dns(wan, ev.Dns),
            Obtained = now,
            Expires = ev.LeaseSeconds is { } seconds ? now.AddSeconds(seconds) : null,
            State = ev.LeaseSeconds is { } s
                ? string.Create(CultureInfo.InvariantCulture, $"DHCP lease{(ev.Server is null ? "" : " from " + ev.Server)} until {now.AddSeconds(s):yyyy-MM-dd HH:mm:ss} UTC")
                : "DHCP lease without expiry",
        },
        DhcpEventKind.Deconfigured => Cleared(current, "waiting for a DHCP lease"),
        DhcpEventKind.Nak => Cleared(current, "the DHCP server refused the lease; asking again"),
        _ => Cleared(current, "no DHCP offer yet; trying again"),
    };

    /// <summary>The lease ran out without a renewal (the client is gone or silent).</summary>
    public static WanAddressState Expired(WanAddressState current) => Cleared(current, "DHCP lease expired");

    public static WanAddressState OnPpp(WanLink wan, PppEvent ev, WanAddressState current, DateTimeOffset now) => ev.Kind == PppEventKind.Up
        ? current with
        {
            Device = ev.Interface,
            // The PPP link is point to point: the address is a host route, the peer is the gateway.
            Address = ev.LocalAddress is null ? null : ev.LocalAddress + "/32",
            Gateway = ev.RemoteAddress,
            DnsServers = Dns(wan, ev.Dns),
            Obtained = now,
            Expires = null,
            State = string.Create(CultureInfo.InvariantCulture, $"PPP session up since {now:yyyy-MM-dd HH:mm:ss} UTC"),
        }
        : Cleared(current, "PPP session down; reconnecting");

    /// <summary>pppd exited: whatever its scripts said last, the session is gone.</summary>
    public static WanAddressState PppGone(WanAddressState current) => Cleared(current, "pppd stopped; starting it again");

    /// <summary>The configured servers, else the learned ones once each (a PPP peer often sends the same server as DNS1 and DNS2).</summary>
    private static IReadOnlyList<string> Dns(WanLink wan, IReadOnlyList<string> learned) =>
        wan.EffectiveAddressing.DnsServers is { Count: > 0 } manual ? manual : learned.Distinct(StringComparer.Ordinal).ToList();

    private static WanAddressState Empty(WanLink wan, string state) =>
        new(wan.Name, wan.EffectiveAddressing.Mode, WanDevice.Of(wan), null, null, [], null, null, state);

    private static WanAddressState Cleared(WanAddressState current, string state) =>
        current with { Address = null, Gateway = null, DnsServers = [], Obtained = null, Expires = null, State = state };
}
