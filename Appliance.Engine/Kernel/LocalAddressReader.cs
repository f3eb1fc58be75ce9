using System.Net;
using System.Text.Json;

namespace Appliance.Engine.Kernel;

/// <summary>
/// Reads what the kernel of the engine's namespace delivers to itself: the <c>local</c> routing table, which holds every
/// address of every interface and any prefix routed to the host as a whole (<c>ip route add local … dev lo</c>).
/// </summary>
public sealed class LocalAddressReader(ICommandRunner runner)
{
    public async Task<IReadOnlyList<IPNetwork>> ReadAsync(CancellationToken ct = default)
    {
        var v4 = await runner.RunCheckedAsync("ip", ["-j", "-4", "route", "show", "table", "local"], null, ct);
        var v6 = await runner.RunCheckedAsync("ip", ["-j", "-6", "route", "show", "table", "local"], null, ct);
        return [.. Parse(v4), .. Parse(v6)];
    }

    /// <summary>The <c>local</c> and <c>broadcast</c> destinations of one <c>ip -j route show table local</c> answer.</summary>
    public static IReadOnlyList<IPNetwork> Parse(string json)
    {
        var networks = new List<IPNetwork>();
        if (string.IsNullOrWhiteSpace(json))
        {
            return networks;
        }
        using var doc = JsonDocument.Parse(json);
        foreach (var route in doc.RootElement.EnumerateArray())
        {
            var type = route.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is not ("local" or "broadcast") || !route.TryGetProperty("dst", out var dst) || dst.GetString() is not { } text)
            {
                continue;
            }
            if (text.Contains('/', StringComparison.Ordinal) ? IPNetwork.TryParse(text, out var network) : TryHost(text, out network))
            {
                networks.Add(network);
            }
        }
        return networks;
    }

    private static bool TryHost(string text, out IPNetwork network)
    {
        network = default;
        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }
        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }
}
