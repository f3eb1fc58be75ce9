using System.Net.Sockets;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Appliance.Engine.Health;
using Appliance.Engine.Network.Services;

namespace Appliance.Engine.Network;

/// <summary>Where the LAN's dnsmasq keeps its files, all in the engine's runtime directory.</summary>
public sealed record LanServicePaths(string Config, string Servers, string Leases)
{
    public static LanServicePaths In(string runtimeDirectory) => new(
        Path.Combine(runtimeDirectory, "dnsmasq.conf"),
        Path.Combine(runtimeDirectory, "dnsmasq.servers"),
        Path.Combine(runtimeDirectory, "dnsmasq.leases"));
}

/// <summary>
/// Pure: what the LAN's dnsmasq should run with now. <see cref="ConfigText"/> is null when dnsmasq should not run;
/// <see cref="ServersText"/> is the servers file, which alone follows the WANs' failover.
/// </summary>
public sealed record LanServicePlan(string? ConfigText, string ServersText)
{
    /// <summary>
    /// dnsmasq runs on an edge whose LAN the engine knows (ports with the <c>lan</c> role, served on the bridge, or
    /// <c>lan.interfaces</c>, served on the first), with DHCP or DNS on and an IPv4 address on the LAN.
    /// </summary>
    /// <exception cref="ArgumentException">A value validation should have refused.</exception>
    public static LanServicePlan For(
        ApplianceConfig config,
        IReadOnlyDictionary<string, LinkHealth> health,
        IReadOnlyDictionary<string, WanAddressState> addresses,
        LanServicePaths paths,
        bool rebindProtection = true)
    {
        var lan = config.Settings.Lan;
        var servers = DnsmasqServers.Render(DnsmasqServers.For(lan.Dns, WanDnsServers(config, health, addresses)));
        var device = LanDevice(config);
        if (config.Settings.Role != ApplianceRole.Edge || device is null || !DnsmasqConfig.IsNeeded(lan) || !HasIpv4(lan.Addresses))
        {
            return new(null, servers);
        }
        var text = DnsmasqConfig.Render(new DnsmasqInput(device, lan.Addresses, lan, paths.Leases, paths.Servers, RebindProtection: rebindProtection));
        return new(text, servers);
    }

    /// <summary>The device dnsmasq serves: the bridge when ports have the <c>lan</c> role, else the first LAN interface named by hand.</summary>
    public static string? LanDevice(ApplianceConfig config) =>
        config.Ports.Any(p => p.Role == PortRole.Lan) ? LanSettings.Bridge
        : config.Settings.Lan.Interfaces is [var first, ..] ? first : null;

    /// <summary>
    /// The DNS servers of the enabled WANs usable now, best tier first, then the heaviest; each WAN's learned servers
    /// (DHCP, PPP, or static as published) or, for a WAN the engine does not address, the ones configured for it. While
    /// no WAN is usable (at start, before the first probe; or all down) every WAN's servers are given: asking a dead
    /// server costs nothing, and an empty list would refuse every query until the probes settle.
    /// </summary>
    public static IReadOnlyList<string> WanDnsServers(
        ApplianceConfig config,
        IReadOnlyDictionary<string, LinkHealth> health,
        IReadOnlyDictionary<string, WanAddressState> addresses)
    {
        var wans = config.Wans.Where(w => w.Enabled).OrderBy(w => w.Tier).ThenByDescending(w => w.Weight).ToList();
        var usable = wans.Where(w => health.GetValueOrDefault(w.Name)?.Usable == true).SelectMany(w => ServersOf(w, addresses)).ToList();
        return usable.Count > 0 ? usable : [.. wans.SelectMany(w => ServersOf(w, addresses))];
    }

    private static IEnumerable<string> ServersOf(WanLink wan, IReadOnlyDictionary<string, WanAddressState> addresses) =>
        addresses.TryGetValue(wan.Name, out var state) ? state.DnsServers : wan.EffectiveAddressing.DnsServers;

    private static bool HasIpv4(IReadOnlyList<string> addresses) =>
        addresses.Any(a => FieldRules.TryParseInterfaceAddress(a, out var address, out _) && address.AddressFamily == AddressFamily.InterNetwork);
}
