using System.Globalization;
using System.Text.Json;
using Appliance.Engine.Planning;
using Microsoft.Extensions.Logging;

namespace Appliance.Engine.Kernel;

/// <summary>A desired state could not be applied; the last good state was put back.</summary>
public sealed class KernelApplyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Makes the kernel match a <see cref="DesiredState"/>: nftables checked with <c>nft -c</c> then loaded with one
/// <c>nft -f</c>; routes, ip rules and sysctls reconciled by difference, touching only the appliance's own
/// tables and rule priorities. Applying the same state twice issues no changing command.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its SemaphoreSlim is used only as an async lock (WaitAsync/Release); without a wait handle it holds nothing to free.")]
public sealed partial class KernelApplier(ICommandRunner runner, ILogger<KernelApplier> logger) : Health.IProbeReadiness
{
    private readonly MptcpApplier _mptcp = new(runner);
    private readonly InterfaceApplier _interfaces = new(runner);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<string> _reportedForeignRules = new(StringComparer.Ordinal);
    private DesiredState? _lastGood;
    private string? _loadedRuleset;

    /// <summary>The state most recently applied in full.</summary>
    public DesiredState? LastGood => Volatile.Read(ref _lastGood);

    /// <summary>
    /// Whether the last full apply put in place what a probe through this WAN needs: the default route of its table
    /// (the way out) and the rule for its address (the way back in, through the WAN's strict reverse-path check).
    /// </summary>
    public bool CanProbe(string wanInterface) =>
        LastGood is { } state && state.Wans.FirstOrDefault(w => w.Interface == wanInterface) is { } wan &&
        state.Routes.Any(r => r.Table == wan.Table) && state.IpRules.Any(r => r.Table == wan.Table && r.From is not null);

    /// <summary>
    /// Null when nftables can be used here, else what nft said (no nft, or no root). A program that cannot start or
    /// times out throws, as for every command.
    /// </summary>
    public async Task<string?> NftablesUnusableAsync(CancellationToken ct = default)
    {
        var probe = await runner.RunAsync("nft", ["list", "tables"], null, ct);
        return probe.Succeeded ? null : probe.Stderr.Trim();
    }

    public async Task ApplyAsync(DesiredState desired, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await CheckRulesetAsync(desired.Ruleset, ct);
            try
            {
                await ApplyUncheckedAsync(desired, ct);
            }
            catch (Exception ex) when (ex is KernelCommandException or JsonException)
            {
                await RestoreLastGoodAsync(ct);
                throw new KernelApplyException($"applying revision {desired.RevisionId} failed, the previous state was restored: {ex.Message}", ex);
            }
            Volatile.Write(ref _lastGood, desired);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Asks nft to parse and check the ruleset against the running kernel without changing anything.</summary>
    private async Task CheckRulesetAsync(string ruleset, CancellationToken ct)
    {
        var check = await runner.RunAsync("nft", ["-c", "-f", "-"], ruleset, ct);
        if (!check.Succeeded)
        {
            throw new KernelApplyException($"nft rejected the ruleset; nothing was changed: {check.Stderr.Trim()}");
        }
    }

    private async Task ApplyUncheckedAsync(DesiredState desired, CancellationToken ct)
    {
        // The table is replaced whole; skipping an identical reload keeps "apply twice changes nothing" literally true.
        if (desired.Ruleset != _loadedRuleset || !await TableExistsAsync(ct))
        {
            await runner.RunCheckedAsync("nft", ["-f", "-"], desired.Ruleset, ct);
            _loadedRuleset = desired.Ruleset;
        }
        // Before the routes: a WAN's route via its gateway needs the address (and the link up) first.
        await _interfaces.ReconcileAsync(desired.Interfaces, ct);
        await ReconcileRoutesAsync(desired.Routes, ct);
        await ReconcileRulesAsync(desired.IpRules, ct);
        // After the routes and rules: a WAN's strict reverse-path filter needs them to find the way back.
        await ApplySysctlsAsync(desired.Sysctls, ct);
        if (desired.Mptcp is not null)
        {
            await _mptcp.ReconcileAsync(desired.Mptcp, ct);
        }
    }

    private async Task RestoreLastGoodAsync(CancellationToken ct)
    {
        if (_lastGood is null)
        {
            return;
        }
        try
        {
            await ApplyUncheckedAsync(_lastGood, ct);
        }
        catch (Exception ex) when (ex is KernelCommandException or JsonException)
        {
            LogRestoreFailed(logger, ex);
        }
    }

    private async Task<bool> TableExistsAsync(CancellationToken ct) =>
        (await runner.RunAsync("nft", ["list", "table", KernelIds.TableFamily, KernelIds.TableName], null, ct)).Succeeded;

    private async Task ApplySysctlsAsync(IReadOnlyList<SysctlSpec> sysctls, CancellationToken ct)
    {
        if (sysctls.Count == 0)
        {
            return;
        }
        // One read for all keys (a process per key dominated apply time); values come back one per line, in order.
        var current = await runner.RunAsync("sysctl", ["-n", .. sysctls.Select(s => s.Key)], null, ct);
        var values = current.Succeeded ? current.Stdout.Split('\n', StringSplitOptions.TrimEntries) : [];
        for (var i = 0; i < sysctls.Count; i++)
        {
            if (i < values.Length && values[i] == sysctls[i].Value)
            {
                continue;
            }
            await runner.RunCheckedAsync("sysctl", ["-q", "-w", $"{sysctls[i].Key}={sysctls[i].Value}"], null, ct);
        }
    }

    private async Task ReconcileRoutesAsync(IReadOnlyList<RouteSpec> desired, CancellationToken ct)
    {
        var existing = await ReadRoutesAsync(ct);
        foreach (var route in desired.Where(r => !existing.Contains(r)))
        {
            List<string> args = ["route", "replace", .. TypeArgs(route), route.Destination];
            if (route.Via is not null)
            {
                args.AddRange(["via", route.Via]);
            }
            args.AddRange(["dev", route.Device, "table", Invariant(route.Table)]);
            if (route.Via is not null)
            {
                // onlink: the gateway is reached on this device even though the WAN table holds no subnet route.
                args.Add("onlink");
            }
            await runner.RunCheckedAsync("ip", args, null, ct);
        }
        // "replace" has already taken the place of a changed route (same table and destination): deleting that key
        // again would delete the new one.
        var keep = desired.Select(r => (r.Table, r.Destination)).ToHashSet();
        foreach (var route in existing.Where(r => !keep.Contains((r.Table, r.Destination))))
        {
            await runner.RunCheckedAsync("ip", ["route", "del", .. TypeArgs(route), route.Destination, "table", Invariant(route.Table)], null, ct);
        }
    }

    private async Task ReconcileRulesAsync(IReadOnlyList<IpRuleSpec> desired, CancellationToken ct)
    {
        var existing = await ReadRulesAsync(ct);
        var keep = desired.ToHashSet();
        foreach (var rule in existing.Where(r => !keep.Contains(r)))
        {
            if (rule.Unmanaged is not null)
            {
                // "ip rule del" matches on the selectors it is given and takes the first rule that fits: without all of
                // this rule's, it could take one of the appliance's own instead. Left in place, and said once.
                if (_reportedForeignRules.Add(rule.ToString()))
                {
                    LogForeignRule(logger, rule.ToString());
                }
                continue;
            }
            await runner.RunCheckedAsync("ip", ["rule", "del", .. IpRuleParser.Arguments(rule)], null, ct);
        }
        foreach (var rule in desired.Where(r => !existing.Contains(r)))
        {
            await runner.RunCheckedAsync("ip", ["rule", "add", .. IpRuleParser.Arguments(rule)], null, ct);
        }
    }

    private static string[] TypeArgs(RouteSpec route) => route.Type == "unicast" ? [] : [route.Type];

    /// <summary>IPv4 routes in the appliance's tables as the kernel holds them.</summary>
    public async Task<IReadOnlyList<RouteSpec>> ReadRoutesAsync(CancellationToken ct = default)
    {
        var json = await runner.RunCheckedAsync("ip", ["-j", "-4", "route", "show", "table", "all"], null, ct);
        var routes = new List<RouteSpec>();
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        foreach (var route in doc.RootElement.EnumerateArray())
        {
            if (!route.TryGetProperty("table", out var tableValue) ||
                !int.TryParse(tableValue.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var table) ||
                !KernelIds.IsApplianceTable(table) ||
                (route.TryGetProperty("type", out var type) && type.GetString() is not ("unicast" or "local" or null)))
            {
                continue;
            }
            routes.Add(new RouteSpec(
                table,
                route.GetProperty("dst").GetString() ?? "default",
                route.TryGetProperty("gateway", out var gateway) ? gateway.GetString() : null,
                route.TryGetProperty("dev", out var dev) ? dev.GetString() ?? "" : "",
                type.ValueKind == JsonValueKind.String ? type.GetString()! : "unicast"));
        }
        return routes;
    }

    /// <summary>ip rules in the appliance's priority range as the kernel holds them, whoever added them.</summary>
    public async Task<IReadOnlyList<IpRuleSpec>> ReadRulesAsync(CancellationToken ct = default) =>
        IpRuleParser.Parse(await runner.RunCheckedAsync("ip", IpRuleParser.ShowArguments, null, ct));

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An ip rule in the appliance's priority range has a form the appliance does not manage; it is left in place: {Rule}")]
    private static partial void LogForeignRule(ILogger logger, string rule);

    [LoggerMessage(Level = LogLevel.Error, Message = "Restoring the last good kernel state failed")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception);
}
