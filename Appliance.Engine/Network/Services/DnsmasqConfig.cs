using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Engine.Network.Services;

/// <summary>What the LAN's dnsmasq is rendered from: the LAN settings and the files the runtime gives it.</summary>
/// <param name="Bridge">The LAN device dnsmasq serves (<see cref="LanSettings.Bridge"/>).</param>
/// <param name="LanAddresses">The appliance's addresses on the LAN with prefix (198.18.0.1/24); the first IPv4 one is the router and DNS server handed out.</param>
/// <param name="ServersFile">Upstream DNS servers (<see cref="DnsmasqServers"/>): kept apart so a WAN failover only rewrites it and sends SIGHUP.</param>
/// <param name="PidFile">Null writes none: the engine supervises the process itself.</param>
/// <param name="RebindProtection">
/// Drop upstream answers that point into private space (DNS rebinding). dnsmasq 2.90 counts 10/8, 172.16/12,
/// 192.168/16, 100.64/10, 169.254/16 and the three TEST-NETs as private, but not 198.18.0.0/15.
/// </param>
public sealed record DnsmasqInput(
    string Bridge,
    IReadOnlyList<string> LanAddresses,
    LanSettings Lan,
    string LeaseFile,
    string ServersFile,
    string? PidFile = null,
    bool RebindProtection = true);

/// <summary>Renders the LAN's dnsmasq configuration: DHCP server and DNS forwarder in one process, like OpenWrt.</summary>
public static class DnsmasqConfig
{
    /// <summary>dnsmasq has nothing to do when the LAN has neither DHCP nor DNS: the runtime does not start it.</summary>
    public static bool IsNeeded(LanSettings lan) => lan.Dhcp.Enabled || lan.Dns.Enabled;

    /// <summary>The config file's text. Throws <see cref="ArgumentException"/> for a value validation should have refused.</summary>
    public static string Render(DnsmasqInput input)
    {
        var bridge = RenderGuard.Interface(input.Bridge, "lan bridge");
        var domain = RenderGuard.Hostname(input.Lan.Domain, "lan.domain");
        var lanAddress = FirstIpv4(input.LanAddresses);
        var text = new StringBuilder();
        text.Append("# dnsmasq for the LAN: DHCP server and DNS forwarder. Rendered by the appliance; edits are overwritten.\n");
        text.Append("# Serve only the LAN bridge: never a WAN, and not loopback (the appliance's own lookups do not come here).\n");
        text.Append(CultureInfo.InvariantCulture, $"interface={bridge}\n");
        text.Append("except-interface=lo\n");
        text.Append("# Picks up addresses added to the bridge later, without a restart.\n");
        text.Append("bind-dynamic\n");
        text.Append("# Only what is rendered here counts: not the host's /etc/hosts or /etc/resolv.conf.\n");
        text.Append("no-hosts\n");
        text.Append("no-resolv\n");
        text.Append(CultureInfo.InvariantCulture, $"pid-file={(input.PidFile is null ? "" : RenderGuard.Path(input.PidFile, "pid file"))}\n");
        text.Append(CultureInfo.InvariantCulture, $"domain={domain}\n");
        AppendDns(text, input, domain);
        if (input.Lan.Dhcp.Enabled)
        {
            AppendDhcp(text, input, lanAddress ?? throw new ArgumentException("the LAN needs an IPv4 address to serve DHCP", nameof(input)));
        }
        return text.ToString();
    }

    private static void AppendDns(StringBuilder text, DnsmasqInput input, string domain)
    {
        if (!input.Lan.Dns.Enabled)
        {
            text.Append("# DNS forwarder off: dnsmasq serves DHCP only.\n");
            text.Append("port=0\n");
            return;
        }
        text.Append("# DNS forwarder. Upstreams live in the servers file: a WAN failover rewrites it and sends SIGHUP.\n");
        text.Append(CultureInfo.InvariantCulture, $"servers-file={RenderGuard.Path(input.ServersFile, "servers file")}\n");
        text.Append("cache-size=1000\n");
        text.Append("# Plain names and reverse lookups of private ranges stay on the LAN instead of leaking to the ISP.\n");
        text.Append("domain-needed\n");
        text.Append("bogus-priv\n");
        if (input.RebindProtection)
        {
            text.Append("# A public name must not point into the LAN (DNS rebinding); 127/8 stays allowed for blocklists.\n");
            text.Append("stop-dns-rebind\n");
            text.Append("rebind-localhost-ok\n");
        }
        text.Append("# The local domain is answered here (DHCP names, static leases) and never forwarded.\n");
        text.Append(CultureInfo.InvariantCulture, $"local=/{domain}/\n");
        text.Append("expand-hosts\n");
    }

    private static void AppendDhcp(StringBuilder text, DnsmasqInput input, (IPAddress Address, int Prefix) lan)
    {
        var dhcp = input.Lan.Dhcp;
        var network = new IPNetwork(FromUInt(ToUInt(lan.Address) & Mask(lan.Prefix)), lan.Prefix);
        var start = InSubnet(dhcp.RangeStart, network, "lan.dhcp.rangeStart");
        var end = InSubnet(dhcp.RangeEnd, network, "lan.dhcp.rangeEnd");
        if (ToUInt(start) > ToUInt(end))
        {
            throw new ArgumentException($"DHCP range {start}-{end} runs backwards", nameof(input));
        }
        var lease = Math.Clamp(dhcp.LeaseTimeSeconds, LanDhcpSettings.MinLeaseTimeSeconds, LanDhcpSettings.MaxLeaseTimeSeconds);
        text.Append("# DHCP server: the range is bounded, and leases are reused when they expire.\n");
        text.Append(CultureInfo.InvariantCulture, $"dhcp-range={start},{end},{Netmask(lan.Prefix)},{lease}\n");
        text.Append(CultureInfo.InvariantCulture, $"dhcp-option=option:router,{lan.Address}\n");
        text.Append(DnsServerOption(input.Lan.Dns, lan.Address));
        foreach (var fixedLease in dhcp.StaticLeases)
        {
            var mac = RenderGuard.Mac(fixedLease.Mac, "static lease mac");
            var address = InSubnet(fixedLease.Address, network, $"static lease {mac}");
            var name = fixedLease.Name is null ? "" : "," + RenderGuard.Hostname(fixedLease.Name, $"static lease {mac} name");
            text.Append(CultureInfo.InvariantCulture, $"dhcp-host={mac},{address}{name}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"dhcp-leasefile={RenderGuard.Path(input.LeaseFile, "lease file")}\n");
        text.Append("# The only DHCP server on this LAN: answer a returning client's request at once, even without its lease.\n");
        text.Append("dhcp-authoritative\n");
    }

    // With the forwarder on, clients ask the appliance. With it off, a user who typed DNS servers by hand expects the
    // clients to get those; with none, no DNS server is handed out rather than the appliance that would not answer.
    private static string DnsServerOption(LanDnsSettings dns, IPAddress lanAddress)
    {
        if (dns.Enabled)
        {
            return $"dhcp-option=option:dns-server,{lanAddress}\n";
        }
        var servers = dns.Servers.Select(s => RenderGuard.Ipv4(s, "lan.dns.servers")).Distinct().ToList();
        return servers.Count == 0
            ? "# No DNS forwarder and no servers set: hand out no DNS server (an empty option is not sent).\ndhcp-option=option:dns-server\n"
            : $"dhcp-option=option:dns-server,{string.Join(',', servers)}\n";
    }

    private static (IPAddress Address, int Prefix)? FirstIpv4(IReadOnlyList<string> addresses)
    {
        foreach (var text in addresses)
        {
            if (!FieldRules.TryParseInterfaceAddress(text, out var address, out var prefix))
            {
                throw new ArgumentException($"LAN address '{FieldRules.Shown(text)}' is not an address with prefix", nameof(addresses));
            }
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                return (address, prefix);
            }
        }
        return null;
    }

    private static IPAddress InSubnet(string? value, IPNetwork network, string field)
    {
        var address = RenderGuard.Ipv4(value, field);
        return network.Contains(address)
            ? address
            : throw new ArgumentException($"{field} {address} is outside the LAN subnet {network}", field);
    }

    private static string Netmask(int prefix) => FromUInt(Mask(prefix)).ToString();

    private static IPAddress FromUInt(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    private static uint Mask(int prefix) => prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);

    private static uint ToUInt(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }
}
