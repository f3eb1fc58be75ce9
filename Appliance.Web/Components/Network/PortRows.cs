using Appliance.Engine.Configuration;
using Appliance.Engine.Network;

namespace Appliance.Web.Components.Network;

/// <summary>The ports the box has joined with the roles the configuration gives them.</summary>
public static class PortRows
{
    /// <summary>
    /// Every discovered port and every configured one, by name: a configured port the kernel does not have is not
    /// present; a discovered port the configuration does not name is <c>unused</c>.
    /// </summary>
    public static IReadOnlyList<PortState> Join(IReadOnlyList<DiscoveredPort> discovered, IReadOnlyList<PortConfig> configured)
    {
        var found = discovered.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var roles = configured.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Role, StringComparer.Ordinal);
        return found.Keys.Union(roles.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                var role = roles.GetValueOrDefault(name, PortRole.Unused);
                return found.TryGetValue(name, out var port)
                    ? new PortState(name, role, true, port.Mac, port.Carrier, port.SpeedMbps)
                    : new PortState(name, role, false, null, false, null);
            })
            .ToList();
    }

    public static string Speed(int? mbps) => mbps switch
    {
        null => "—",
        >= 1000 when mbps % 1000 == 0 => $"{mbps / 1000} Gbit/s",
        _ => $"{mbps} Mbit/s",
    };

    public static string Carrier(PortState port) => !port.Present ? "missing" : port.Carrier ? "link up" : "no link";
}
