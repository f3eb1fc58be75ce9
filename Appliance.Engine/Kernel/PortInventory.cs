using System.Globalization;
using System.Text.Json;
using Appliance.Engine.Network;

namespace Appliance.Engine.Kernel;

/// <summary>
/// The box's Ethernet ports from <c>ip -j -d link show</c>: physical NICs and veths (the lab's and the tests' ports);
/// not loopback, bridges, PPP, tunnels or other virtual devices. Speed from sysfs, read inside the engine's namespace.
/// </summary>
public sealed class PortInventory(ICommandRunner runner) : IPortInventory
{
    public async Task<IReadOnlyList<DiscoveredPort>> DiscoverAsync(CancellationToken ct = default)
    {
        var json = await runner.RunCheckedAsync("ip", ["-j", "-d", "link", "show"], null, ct);
        var ports = new List<DiscoveredPort>();
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        foreach (var link in doc.RootElement.EnumerateArray())
        {
            if (!link.TryGetProperty("ifname", out var nameValue) || nameValue.GetString() is not { } name ||
                !link.TryGetProperty("link_type", out var type) || type.GetString() != "ether")
            {
                continue;
            }
            // A kind means a virtual device (bridge, tun, vlan, dummy …); veths stand in for NICs in the lab.
            var kind = link.TryGetProperty("linkinfo", out var info) && info.TryGetProperty("info_kind", out var k) ? k.GetString() : null;
            if (kind is not (null or "veth"))
            {
                continue;
            }
            var flags = link.TryGetProperty("flags", out var f) ? f.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
            var mac = link.TryGetProperty("address", out var address) ? address.GetString() ?? "" : "";
            ports.Add(new DiscoveredPort(name, mac, flags.Contains("LOWER_UP"), await SpeedAsync(name, ct)));
        }
        return ports.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The negotiated speed in Mbit/s; null when the driver does not say (-1, unreadable, no carrier).</summary>
    private async Task<int?> SpeedAsync(string name, CancellationToken ct)
    {
        var result = await runner.RunAsync("cat", [$"/sys/class/net/{name}/speed"], null, ct);
        return result.Succeeded && int.TryParse(result.Stdout.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var speed) && speed > 0
            ? speed
            : null;
    }
}
