using System.Diagnostics;
using System.Globalization;
using System.Text;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Bench;

/// <summary>
/// "Config change to kernel committed": Planner.Plan plus KernelApplier.ApplyAsync with the real
/// ProcessCommandRunner, inside a namespace of its own whose WANs are dummy interfaces.
/// </summary>
public sealed class ApplyLatencyBench(string prefix, int rules, int coldSamples, int repeats, TextWriter log)
{
    private const int PlanSamples = 200;
    private double _planFirstCallMs;

    public const string Setup =
        "one network namespace per WAN count; WANs and lan0 are dummy interfaces (veth pairs where the kernel has no dummy driver); real KernelApplier + ProcessCommandRunner(ns) " +
        "(every command is a process via 'ip netns exec'); all WANs up. cold = no appliance table/routes/rules/sysctls and a new applier; " +
        "change = wan1's weight changed → Planner.Plan → ApplyAsync (one warm-up change not counted); no-op = ApplyAsync of the same state again.";

    public async Task<ApplyResults> RunAsync(IReadOnlyList<int> wanCounts, CancellationToken ct)
    {
        WarmUpPlanner(wanCounts, ct);
        var results = new List<ApplyResult>();
        foreach (var n in wanCounts)
        {
            results.Add(await RunOneAsync(n, ct));
        }
        return new ApplyResults(rules, coldSamples, repeats, Setup, Math.Round(_planFirstCallMs, 3), results);
    }

    private async Task<ApplyResult> RunOneAsync(int wanCount, CancellationToken ct)
    {
        var ns = prefix + "ap" + wanCount.ToString(CultureInfo.InvariantCulture);
        var host = new ProcessCommandRunner();
        await host.RunCheckedAsync("ip", ["netns", "add", ns], null, ct);
        try
        {
            return await MeasureAsync(ns, wanCount, ct);
        }
        finally
        {
            // Not cancellable: the namespace goes also when the run was cancelled or failed.
            var deleted = await host.RunAsync("ip", ["netns", "del", ns], ct: CancellationToken.None);
            if (!deleted.Succeeded)
            {
                await log.WriteLineAsync($"warning: could not delete namespace {ns}: {deleted.Stderr.Trim()}");
            }
        }
    }

    private async Task<ApplyResult> MeasureAsync(string ns, int wanCount, CancellationToken ct)
    {
        var raw = new ProcessCommandRunner(ns);
        var counting = new CountingRunner(raw);
        var inspector = new KernelApplier(raw, NullLogger<KernelApplier>.Instance);
        var interfaceKind = await BuildInterfacesAsync(raw, wanCount, ct);

        var config = BenchConfig.Create(wanCount, rules);
        var health = BenchConfig.AllUp(config);
        long revision = 1;

        // (a) Plan, warm (see WarmUpPlanner), call by call.
        var watch = Stopwatch.StartNew();
        var desired = Planner.Plan(BenchConfig.Snapshot(revision, config), health);
        var planUs = new List<double>(PlanSamples);
        for (var i = 0; i < PlanSamples; i++)
        {
            watch.Restart();
            _ = Planner.Plan(BenchConfig.Snapshot(revision, config), health);
            planUs.Add(watch.Elapsed.TotalMicroseconds);
        }
        if (desired.Warnings.Count > 0)
        {
            throw new InvalidOperationException($"unexpected planner warnings: {string.Join("; ", desired.Warnings)}");
        }
        var originalSysctls = await ReadSysctlsAsync(raw, desired.Sysctls, ct);

        // (b) Cold applies: nothing of the appliance in the kernel, a new applier.
        var cold = new List<double>();
        CommandTally? coldTally = null;
        KernelApplier applier = null!;
        for (var s = 0; s < coldSamples; s++)
        {
            ct.ThrowIfCancellationRequested();
            if (s > 0)
            {
                await ResetAsync(raw, desired, originalSysctls, ct);
            }
            applier = new KernelApplier(counting, NullLogger<KernelApplier>.Instance);
            counting.Take();
            watch.Restart();
            await applier.ApplyAsync(desired, ct);
            cold.Add(watch.Elapsed.TotalMilliseconds);
            coldTally = counting.Take();
            await VerifyAsync(raw, inspector, desired, ct);
        }

        // (c) Config changes: wan1's weight alternates, so every change loads a different ruleset.
        var change = new List<double>();
        var changeApply = new List<double>();
        CommandTally? changeTally = null;
        var lastConfig = config;
        for (var r = -1; r < repeats; r++)
        {
            ct.ThrowIfCancellationRequested();
            var weight = r % 2 == 0 ? 5 : 7;
            lastConfig = config with { Wans = config.Wans.Select((w, i) => i == 0 ? w with { Weight = weight } : w).ToList() };
            counting.Take();
            watch.Restart();
            var next = Planner.Plan(BenchConfig.Snapshot(++revision, lastConfig), health);
            var planned = watch.Elapsed.TotalMilliseconds;
            await applier.ApplyAsync(next, ct);
            var total = watch.Elapsed.TotalMilliseconds;
            var tally = counting.Take();
            desired = next;
            if (r >= 0)
            {
                change.Add(total);
                changeApply.Add(total - planned);
                changeTally = tally;
            }
        }
        await VerifyAsync(raw, inspector, desired, ct);
        await VerifyWeightsAsync(raw, lastConfig, ct);

        // (d) No-op re-applies of the state just applied.
        var noop = new List<double>();
        CommandTally? noopTally = null;
        for (var r = 0; r < repeats; r++)
        {
            ct.ThrowIfCancellationRequested();
            counting.Take();
            watch.Restart();
            await applier.ApplyAsync(desired, ct);
            noop.Add(watch.Elapsed.TotalMilliseconds);
            noopTally = counting.Take();
        }
        await VerifyAsync(raw, inspector, desired, ct);

        var result = new ApplyResult(
            wanCount, interfaceKind, Encoding.UTF8.GetByteCount(desired.Ruleset), Summary.Of(planUs),
            Summary.Of(cold), coldTally!, Summary.Of(change), Summary.Of(changeApply), changeTally!, Summary.Of(noop), noopTally!);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  {wanCount,2} WANs: plan {result.PlanUs.Median:0} µs, cold {result.Cold.Median:0.0} ms, change {result.Change.Median:0.0} ms (max {result.Change.Max:0.0}), no-op {result.Noop.Median:0.0} ms; processes cold/change/no-op {result.ColdCommands.Processes}/{result.ChangeCommands.Processes}/{result.NoopCommands.Processes}"));
        return result;
    }

    /// <summary>
    /// Runs the planner for every WAN count for about two seconds (bounded in count), so tiered JIT has
    /// optimised it before the warm samples. The very first call is timed: the planner's cold start (JIT).
    /// </summary>
    private void WarmUpPlanner(IReadOnlyList<int> wanCounts, CancellationToken ct)
    {
        var inputs = wanCounts.Select(n => BenchConfig.Create(n, rules)).Select(c => (Snapshot: BenchConfig.Snapshot(1, c), Health: BenchConfig.AllUp(c))).ToList();
        var watch = Stopwatch.StartNew();
        _ = Planner.Plan(inputs[0].Snapshot, inputs[0].Health);
        _planFirstCallMs = watch.Elapsed.TotalMilliseconds;
        for (var i = 0; i < 20_000 && watch.Elapsed < TimeSpan.FromSeconds(2); i++)
        {
            ct.ThrowIfCancellationRequested();
            var (snapshot, health) = inputs[i % inputs.Count];
            _ = Planner.Plan(snapshot, health);
        }
    }

    /// <summary>lan0 and wan1..N, up, with the lab's addresses: dummy interfaces, or veth pairs (peer left in the
    /// namespace) on kernels without the dummy driver. Returns which.</summary>
    private static async Task<string> BuildInterfacesAsync(ProcessCommandRunner raw, int wanCount, CancellationToken ct)
    {
        await raw.RunCheckedAsync("ip", ["link", "set", "lo", "up"], null, ct);
        var dummy = (await raw.RunAsync("ip", ["link", "add", BenchConfig.LanInterface, "type", "dummy"], null, ct)).Succeeded;
        string Add(string name) => dummy ? $"link add {name} type dummy\n" : $"link add {name} type veth peer name {name}p\nlink set {name}p up\n";
        var batch = new StringBuilder();
        if (!dummy)
        {
            batch.Append(Add(BenchConfig.LanInterface));
        }
        batch.Append(CultureInfo.InvariantCulture, $"addr add 198.18.0.1/24 dev {BenchConfig.LanInterface}\nlink set {BenchConfig.LanInterface} up\n");
        for (var i = 1; i <= wanCount; i++)
        {
            var name = BenchConfig.WanName(i);
            batch.Append(Add(name));
            batch.Append(CultureInfo.InvariantCulture, $"addr add {BenchConfig.WanAddress(i)}/24 dev {name}\nlink set {name} up\n");
        }
        await raw.RunCheckedAsync("ip", ["-batch", "-"], batch.ToString(), ct);
        return dummy ? "dummy" : "veth";
    }

    private static async Task<Dictionary<string, string>> ReadSysctlsAsync(ProcessCommandRunner raw, IReadOnlyList<SysctlSpec> sysctls, CancellationToken ct)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var sysctl in sysctls)
        {
            values[sysctl.Key] = (await raw.RunCheckedAsync("sysctl", ["-n", sysctl.Key], null, ct)).Trim();
        }
        return values;
    }

    /// <summary>Takes the appliance's table, routes, rules and sysctls out of the namespace again.</summary>
    public static async Task ResetAsync(ProcessCommandRunner raw, DesiredState applied, IReadOnlyDictionary<string, string> sysctls, CancellationToken ct)
    {
        await raw.RunAsync("nft", ["delete", "table", KernelIds.TableFamily, KernelIds.TableName], null, ct);
        var batch = new StringBuilder();
        foreach (var table in applied.Routes.Select(r => r.Table).Distinct())
        {
            batch.Append(CultureInfo.InvariantCulture, $"route flush table {table}\n");
        }
        foreach (var rule in applied.IpRules)
        {
            batch.Append(CultureInfo.InvariantCulture, $"rule del {string.Join(' ', IpRuleParser.Arguments(rule))}\n");
        }
        if (batch.Length > 0)
        {
            await raw.RunCheckedAsync("ip", ["-batch", "-"], batch.ToString(), ct);
        }
        if (sysctls.Count > 0)
        {
            await raw.RunCheckedAsync("sysctl", ["-q", "-w", .. sysctls.Select(kv => $"{kv.Key}={kv.Value}")], null, ct);
        }
    }

    /// <summary>The kernel holds what was applied: the table, every route and every rule.</summary>
    private static async Task VerifyAsync(ProcessCommandRunner raw, KernelApplier inspector, DesiredState desired, CancellationToken ct)
    {
        await raw.RunCheckedAsync("nft", ["list", "table", KernelIds.TableFamily, KernelIds.TableName], null, ct);
        var routes = (await inspector.ReadRoutesAsync(ct)).ToHashSet();
        var ipRules = (await inspector.ReadRulesAsync(ct)).ToHashSet();
        if (!routes.SetEquals(desired.Routes) || !ipRules.SetEquals(desired.IpRules))
        {
            throw new InvalidOperationException($"kernel state differs after apply: {routes.Count}/{desired.Routes.Count} routes, {ipRules.Count}/{desired.IpRules.Count} rules");
        }
    }

    /// <summary>The loaded balance chain splits by the weights of the last change.</summary>
    private static async Task VerifyWeightsAsync(ProcessCommandRunner raw, ApplianceConfig config, CancellationToken ct)
    {
        var total = config.Wans.Sum(w => w.Weight);
        var chain = await raw.RunCheckedAsync("nft", ["list", "chain", KernelIds.TableFamily, KernelIds.TableName, "balance"], null, ct);
        if (!chain.Contains(string.Create(CultureInfo.InvariantCulture, $"mod {total} "), StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the balance chain does not split by total weight {total}:\n{chain}");
        }
    }
}
