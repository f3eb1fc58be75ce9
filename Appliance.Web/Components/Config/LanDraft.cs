using Appliance.Engine.Configuration;

namespace Appliance.Web.Components.Config;

/// <summary>
/// The LAN as its page edits it: the model record, replaced with each field the page changes; the address and DNS
/// server lists as text, one per line; the static leases as rows, each a model record replaced when a cell changes.
/// </summary>
public sealed class LanDraft
{
    private LanDraft(LanSettings lan, long version)
    {
        Lan = lan;
        Addresses = string.Join('\n', lan.Addresses);
        DnsServers = string.Join('\n', lan.Dns.Servers);
        Leases = [.. lan.Dhcp.StaticLeases];
        Version = version;
    }

    public LanSettings Lan { get; set; }

    public LanDhcpSettings Dhcp
    {
        get => Lan.Dhcp;
        set => Lan = Lan with { Dhcp = value };
    }

    public LanDnsSettings Dns
    {
        get => Lan.Dns;
        set => Lan = Lan with { Dns = value };
    }

    /// <summary>The appliance's LAN addresses (CIDR) as edited, one per line.</summary>
    public string Addresses { get; set; }

    /// <summary>The DNS forwarder's manual upstreams as edited, one per line.</summary>
    public string DnsServers { get; set; }

    public List<StaticLease> Leases { get; }

    /// <summary>The settings' version the draft was loaded at.</summary>
    public long Version { get; }

    public static LanDraft From(LanSettings lan, long version) => new(lan, version);

    /// <summary>The LAN to store: text trimmed, empty range ends and lease names meaning none.</summary>
    public LanSettings ToLan() => Lan with
    {
        Addresses = Lines(Addresses),
        Domain = (Lan.Domain ?? "").Trim(),
        Dhcp = Lan.Dhcp with
        {
            RangeStart = OrNull(Lan.Dhcp.RangeStart),
            RangeEnd = OrNull(Lan.Dhcp.RangeEnd),
            StaticLeases = Leases.Select(l => new StaticLease { Mac = (l.Mac ?? "").Trim(), Address = (l.Address ?? "").Trim(), Name = OrNull(l.Name) }).ToList(),
        },
        Dns = Lan.Dns with { Servers = Lines(DnsServers) },
    };

    private static string[] Lines(string? text) =>
        (text ?? "").Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? OrNull(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
