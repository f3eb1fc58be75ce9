using Appliance.Engine.Configuration;

namespace Appliance.Engine.Network;

/// <summary>Joins the configured port roles with the ports the kernel has.</summary>
public static class PortStates
{
    /// <summary>
    /// Configured ports first, in their configured order (a missing one shown with <c>Present</c> false), then the
    /// discovered ports the configuration does not name, as <c>unused</c>, by name.
    /// </summary>
    public static IReadOnlyList<PortState> Join(IReadOnlyList<PortConfig> configured, IReadOnlyList<DiscoveredPort> discovered)
    {
        var found = discovered.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var result = new List<PortState>(configured.Count + discovered.Count);
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var port in configured)
        {
            if (!named.Add(port.Name))
            {
                continue;
            }
            result.Add(found.TryGetValue(port.Name, out var d)
                ? new PortState(port.Name, port.Role, true, d.Mac, d.Carrier, d.SpeedMbps)
                : new PortState(port.Name, port.Role, false, null, false, null));
        }
        result.AddRange(found.Values.Where(d => !named.Contains(d.Name)).OrderBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => new PortState(d.Name, PortRole.Unused, true, d.Mac, d.Carrier, d.SpeedMbps)));
        return result;
    }
}
