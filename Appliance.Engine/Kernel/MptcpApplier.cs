using System.Globalization;
using System.Text.Json;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Kernel;

/// <summary>
/// Reconciles the kernel's MPTCP path manager: limits, and the endpoints whose ids the appliance owns
/// (<see cref="KernelIds.FirstEndpointId"/>–<see cref="KernelIds.LastEndpointId"/>). Endpoints of others are left alone.
/// </summary>
internal sealed class MptcpApplier(ICommandRunner runner)
{
    public async Task ReconcileAsync(MptcpSpec desired, CancellationToken ct)
    {
        if (desired.Limits is not null)
        {
            await ReconcileLimitsAsync(desired.Limits, ct);
        }
        var shown = await runner.RunAsync("ip", ["-j", "mptcp", "endpoint", "show"], null, ct);
        if (!shown.Succeeded)
        {
            if (desired.Limits is null && desired.Endpoints.Count == 0)
            {
                // Nothing bonded and no MPTCP in this kernel: nothing to clean up either.
                return;
            }
            throw new KernelCommandException("ip -j mptcp endpoint show", shown);
        }
        var existing = ParseEndpoints(shown.Stdout);
        var keep = desired.Endpoints.ToHashSet();
        foreach (var endpoint in existing.Where(e => !keep.Contains(e)))
        {
            // Removing an endpoint closes the subflows that use it at once: that is how a dead link leaves live connections.
            await runner.RunCheckedAsync("ip", ["mptcp", "endpoint", "delete", "id", Invariant(endpoint.Id)], null, ct);
        }
        foreach (var endpoint in desired.Endpoints.Where(e => !existing.Contains(e)))
        {
            // Adding one makes the path manager open a subflow from it on every live connection.
            List<string> args = ["mptcp", "endpoint", "add", endpoint.Address, "dev", endpoint.Device, "id", Invariant(endpoint.Id), "subflow"];
            if (endpoint.Backup)
            {
                args.Add("backup");
            }
            await runner.RunCheckedAsync("ip", args, null, ct);
        }
    }

    private async Task ReconcileLimitsAsync(MptcpLimits limits, CancellationToken ct)
    {
        // "add_addr_accepted 0 subflows 2": no JSON form in iproute2 6.1.
        var shown = await runner.RunCheckedAsync("ip", ["mptcp", "limits", "show"], null, ct);
        var words = shown.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < words.Length; i += 2)
        {
            current[words[i]] = words[i + 1];
        }
        if (current.GetValueOrDefault("subflows") == Invariant(limits.Subflows) &&
            current.GetValueOrDefault("add_addr_accepted") == Invariant(limits.AddAddrAccepted))
        {
            return;
        }
        await runner.RunCheckedAsync("ip",
            ["mptcp", "limits", "set", "subflows", Invariant(limits.Subflows), "add_addr_accepted", Invariant(limits.AddAddrAccepted)], null, ct);
    }

    /// <summary>The appliance's endpoints as the kernel holds them.</summary>
    private static List<MptcpEndpointSpec> ParseEndpoints(string json)
    {
        var endpoints = new List<MptcpEndpointSpec>();
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            var id = e.GetProperty("id").GetInt32();
            if (id is < KernelIds.FirstEndpointId or > KernelIds.LastEndpointId)
            {
                continue;
            }
            // Desired endpoints always name a device: a blank one (other flags, no device) never matches and is replaced.
            var plain = Flag(e, "subflow") && !Flag(e, "signal") && !Flag(e, "fullmesh");
            var device = e.TryGetProperty("dev", out var dev) ? dev.GetString() ?? "" : "";
            endpoints.Add(new MptcpEndpointSpec(id, e.GetProperty("address").GetString() ?? "", plain ? device : "", Flag(e, "backup")));
        }
        return endpoints;
    }

    private static bool Flag(JsonElement e, string name) => e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
