using System.Net;
using System.Text.Json;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Kernel;

/// <summary>
/// Makes links and addresses match an <see cref="InterfacePlan"/> by difference: creates the LAN bridge, moves ports
/// into it or out, brings links up or down, adds missing addresses and removes global IPv4 addresses the plan does not
/// want on the devices whose addressing it manages. Interfaces the plan does not name are never touched, and a second
/// apply of the same plan runs no changing command.
/// </summary>
public sealed class InterfaceApplier(ICommandRunner runner)
{
    public async Task ReconcileAsync(InterfacePlan plan, CancellationToken ct = default)
    {
        if (plan.IsEmpty)
        {
            return;
        }
        var links = await ReadLinksAsync(ct);
        foreach (var bridge in plan.Links.Where(l => l.Bridge && !links.ContainsKey(l.Name)))
        {
            await runner.RunCheckedAsync("ip", ["link", "add", bridge.Name, "type", "bridge"], null, ct);
            links[bridge.Name] = new LinkFacts(Up: false, Master: null);
        }
        if (plan.Links.Any(l => l.Bridge))
        {
            await KeepBridgeOutOfIpHooksAsync(ct);
        }
        foreach (var link in plan.Links)
        {
            // A configured port the box does not have (an unplugged adapter) stays in the config, and waits.
            if (!links.TryGetValue(link.Name, out var now))
            {
                continue;
            }
            if (!link.Bridge && now.Master != link.Master)
            {
                await runner.RunCheckedAsync("ip", link.Master is null
                    ? ["link", "set", "dev", link.Name, "nomaster"]
                    : ["link", "set", "dev", link.Name, "master", link.Master], null, ct);
            }
            if (now.Up != link.Up)
            {
                await runner.RunCheckedAsync("ip", ["link", "set", "dev", link.Name, link.Up ? "up" : "down"], null, ct);
            }
        }
        if (plan.ManagedAddresses.Count == 0 && plan.Addresses.Count == 0)
        {
            return;
        }
        var addresses = await ReadAddressesAsync(ct);
        foreach (var device in plan.ManagedAddresses.Where(addresses.ContainsKey))
        {
            var wanted = plan.Addresses.Where(a => a.Device == device).Select(a => Normal(a.Address)).ToHashSet(StringComparer.Ordinal);
            // Removed before new ones are added: removing a subnet's primary address would take the new one with it.
            foreach (var old in addresses[device].Where(a => a.Ipv4Global && !wanted.Contains(a.Cidr)))
            {
                await runner.RunCheckedAsync("ip", ["addr", "del", old.Cidr, "dev", device], null, ct);
            }
        }
        foreach (var address in plan.Addresses.Where(a => addresses.ContainsKey(a.Device)))
        {
            if (!addresses[address.Device].Any(a => a.Cidr == Normal(address.Address)))
            {
                await runner.RunCheckedAsync("ip", ["addr", "add", Normal(address.Address), "dev", address.Device], null, ct);
            }
        }
    }

    /// <summary>An address with prefix in the kernel's spelling (IPv6 compressed), for comparing with what it lists.</summary>
    private static string Normal(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && IPAddress.TryParse(cidr[..slash], out var address) ? $"{address}{cidr[slash..]}" : cidr;
    }

    private sealed record LinkFacts(bool Up, string? Master);

    private sealed record AddressFacts(string Cidr, bool Ipv4Global);

    /// <summary>
    /// Where br_netfilter is loaded (a host that runs containers, say), bridged packets go through the IP hooks at the
    /// bridge layer, and the IP layer then skips them: a LAN session that TPROXY hands to the bonding relay loses its
    /// socket on the way up and is refused. The LAN bridge is plain layer 2 to the appliance, so its namespace turns
    /// those calls off. Without br_netfilter the keys do not exist and nothing calls the hooks.
    /// </summary>
    private async Task KeepBridgeOutOfIpHooksAsync(CancellationToken ct)
    {
        var now = await runner.RunAsync("sysctl", ["-n", .. BridgeNetfilterKeys], null, ct);
        if (!now.Succeeded || now.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(v => v == "0"))
        {
            return;
        }
        await runner.RunCheckedAsync("sysctl", ["-q", "-w", .. BridgeNetfilterKeys.Select(k => k + "=0")], null, ct);
    }

    private static readonly string[] BridgeNetfilterKeys =
        ["net.bridge.bridge-nf-call-iptables", "net.bridge.bridge-nf-call-ip6tables", "net.bridge.bridge-nf-call-arptables"];

    private async Task<Dictionary<string, LinkFacts>> ReadLinksAsync(CancellationToken ct)
    {
        var json = await runner.RunCheckedAsync("ip", ["-j", "link", "show"], null, ct);
        var links = new Dictionary<string, LinkFacts>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        foreach (var link in doc.RootElement.EnumerateArray())
        {
            if (link.TryGetProperty("ifname", out var name) && name.GetString() is { } ifname)
            {
                var flags = link.TryGetProperty("flags", out var f) ? f.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
                links[ifname] = new LinkFacts(flags.Contains("UP"), link.TryGetProperty("master", out var master) ? master.GetString() : null);
            }
        }
        return links;
    }

    private async Task<Dictionary<string, List<AddressFacts>>> ReadAddressesAsync(CancellationToken ct)
    {
        var json = await runner.RunCheckedAsync("ip", ["-j", "addr", "show"], null, ct);
        var result = new Dictionary<string, List<AddressFacts>>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        foreach (var link in doc.RootElement.EnumerateArray())
        {
            if (!link.TryGetProperty("ifname", out var name) || name.GetString() is not { } ifname)
            {
                continue;
            }
            var list = result[ifname] = [];
            if (!link.TryGetProperty("addr_info", out var infos))
            {
                continue;
            }
            foreach (var info in infos.EnumerateArray())
            {
                if (info.TryGetProperty("local", out var local) && info.TryGetProperty("prefixlen", out var prefix))
                {
                    var family = info.TryGetProperty("family", out var f) ? f.GetString() : null;
                    var scope = info.TryGetProperty("scope", out var s) ? s.GetString() : null;
                    list.Add(new AddressFacts($"{Normal(local.GetString() ?? "")}/{prefix.GetInt32()}", family == "inet" && scope == "global"));
                }
            }
        }
        return result;
    }
}
