using Appliance.Engine.Configuration;
using Appliance.Engine.Network.Services;

namespace Appliance.Engine.Tests.Network.Services;

/// <summary>The LAN configurations the dnsmasq golden files are rendered from.</summary>
internal static class DnsmasqCases
{
    private static readonly LanSettings Lan = new()
    {
        Addresses = ["198.18.0.1/24"],
        Dhcp = new LanDhcpSettings
        {
            Enabled = true,
            RangeStart = "198.18.0.100",
            RangeEnd = "198.18.0.199",
            StaticLeases =
            [
                new StaticLease { Mac = "02:00:5E:10:00:01", Address = "198.18.0.10", Name = "printer" },
                new StaticLease { Mac = "02:00:5e:10:00:02", Address = "198.18.0.11" },
            ],
        },
        Dns = new LanDnsSettings { Enabled = true },
    };

    public static DnsmasqInput Input(LanSettings lan, string? pidFile = null, bool rebindProtection = true) =>
        new(LanSettings.Bridge, lan.Addresses, lan, "/run/appliance/dnsmasq/leases", "/run/appliance/dnsmasq/servers", pidFile, rebindProtection);

    public static IEnumerable<(string Name, DnsmasqInput Input)> All()
    {
        yield return ("dhcp_and_dns", Input(Lan));
        yield return ("custom_domain_lease_time_and_pid_file", Input(
            Lan with
            {
                Domain = "home.arpa",
                Addresses = ["198.19.4.1/22"],
                Dhcp = Lan.Dhcp with { RangeStart = "198.19.5.0", RangeEnd = "198.19.7.254", LeaseTimeSeconds = 3600, StaticLeases = [] },
            },
            pidFile: "/run/appliance/dnsmasq/dnsmasq.pid"));
        yield return ("dns_without_rebind_protection", Input(Lan, rebindProtection: false));
        yield return ("dns_only", Input(Lan with { Dhcp = Lan.Dhcp with { Enabled = false } }));
        yield return ("dhcp_only_hands_out_manual_dns", Input(
            Lan with { Dns = new LanDnsSettings { Enabled = false, Upstreams = DnsUpstreams.Manual, Servers = ["192.0.2.53", "192.0.2.54", "192.0.2.53"] } }));
        yield return ("dhcp_only_without_dns", Input(Lan with { Dns = new LanDnsSettings { Enabled = false } }));
    }
}
