using System.Text.Json;

namespace Appliance.Engine.Kernel;

/// <summary>What the kernel says about an interface right now.</summary>
/// <param name="DefaultGateway">The gateway of a default route on this device in the main table (learned by DHCP), if any.</param>
/// <param name="Address">The first global IPv4 address on the interface, if any.</param>
public sealed record InterfaceFacts(string Name, bool Exists, bool Carrier, string? DefaultGateway, string? Address = null);

/// <summary>Reads carrier and learned gateways of interfaces through <c>ip -j</c>.</summary>
public sealed class LinkObserver(ICommandRunner runner)
{
    public async Task<IReadOnlyDictionary<string, InterfaceFacts>> ReadAsync(IReadOnlyCollection<string> interfaces, CancellationToken ct = default)
    {
        var links = await runner.RunCheckedAsync("ip", ["-j", "link", "show"], null, ct);
        var routes = await runner.RunCheckedAsync("ip", ["-j", "-4", "route", "show", "default"], null, ct);
        var addrs = await runner.RunCheckedAsync("ip", ["-j", "-4", "addr", "show", "scope", "global"], null, ct);
        var carriers = new Dictionary<string, bool>(StringComparer.Ordinal);
        using (var doc = JsonDocument.Parse(links))
        {
            foreach (var link in doc.RootElement.EnumerateArray())
            {
                var name = link.GetProperty("ifname").GetString() ?? "";
                var flags = link.TryGetProperty("flags", out var f) ? f.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
                // LOWER_UP is the carrier; UP alone only says the admin enabled the interface.
                carriers[name] = flags.Contains("UP") && flags.Contains("LOWER_UP");
            }
        }
        var gateways = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(routes) ? "[]" : routes))
        {
            foreach (var route in doc.RootElement.EnumerateArray())
            {
                if (route.TryGetProperty("dev", out var dev) && route.TryGetProperty("gateway", out var gateway) && dev.GetString() is { } name)
                {
                    gateways.TryAdd(name, gateway.GetString() ?? "");
                }
            }
        }
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(addrs) ? "[]" : addrs))
        {
            foreach (var link in doc.RootElement.EnumerateArray())
            {
                var info = link.TryGetProperty("addr_info", out var list) ? list.EnumerateArray().FirstOrDefault(a => a.TryGetProperty("local", out _)) : default;
                if (link.TryGetProperty("ifname", out var name) && info.ValueKind == JsonValueKind.Object && name.GetString() is { } ifname)
                {
                    addresses.TryAdd(ifname, info.GetProperty("local").GetString() ?? "");
                }
            }
        }
        return interfaces.ToDictionary(
            name => name,
            name => new InterfaceFacts(name, carriers.ContainsKey(name), carriers.GetValueOrDefault(name), gateways.GetValueOrDefault(name), addresses.GetValueOrDefault(name)),
            StringComparer.Ordinal);
    }
}
