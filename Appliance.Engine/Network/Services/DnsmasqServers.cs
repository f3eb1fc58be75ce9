using System.Text;
using Appliance.Engine.Configuration;

namespace Appliance.Engine.Network.Services;

/// <summary>The LAN forwarder's upstream DNS servers: the <c>servers-file</c> dnsmasq rereads on SIGHUP.</summary>
public static class DnsmasqServers
{
    /// <summary>
    /// The upstreams for the LAN's settings: the ones set by hand, or the DNS servers of the WANs usable now (in the
    /// order given, so a WAN's servers leave the list when it fails and return when it heals).
    /// </summary>
    public static IReadOnlyList<string> For(LanDnsSettings dns, IReadOnlyList<string> usableWanServers) =>
        dns.Upstreams == DnsUpstreams.Manual ? dns.Servers : usableWanServers;

    /// <summary>
    /// One <c>server=</c> line per address, duplicates dropped, first occurrence kept: the text only changes when the
    /// set or its order does, so an unchanged list needs no SIGHUP. dnsmasq itself sends each query to the server that
    /// answers fastest (no <c>strict-order</c>), so a slow or dead upstream does not hold up the LAN.
    /// </summary>
    public static string Render(IReadOnlyList<string> servers)
    {
        var text = new StringBuilder("# Upstream DNS servers of the LAN forwarder. Rendered by the appliance; edits are overwritten.\n");
        foreach (var server in servers.Select(s => RenderGuard.HostAddress(s, "dns server").ToString()).Distinct(StringComparer.Ordinal))
        {
            text.Append("server=").Append(server).Append('\n');
        }
        return text.ToString();
    }
}
