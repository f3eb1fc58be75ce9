using System.Globalization;
using System.Text.Json;
using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;
using Appliance.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Bench;

/// <summary>
/// Forwarding throughput through the appliance namespace of a NetnsLab with two unshaped WANs: plain
/// forwarding (ip_forward, one masquerade, the main default route) against the engine's full ruleset.
/// </summary>
public sealed class ThroughputBench(string prefix, int seconds, int rounds, int rules, IReadOnlyList<int> streams, TextWriter log)
{
    private const string Port = "5201";
    private const string PlainTable = "bench_plain";
    private static readonly string Server = LabAddresses.Server.ToString();

    public const string Setup =
        "NetnsLab lan ─ appliance ─ 2 unshaped ISP routers (veth, BCP 38 filter) ─ inet; iperf3 TCP from lan (198.18.0.2) to inet (203.0.113.10:5201), " +
        "Gbit/s received. plain = ip_forward=1, 'oifname wan1 masquerade', a main default route via wan1 (added for this mode only), no appliance table/routes/rules; " +
        "engine = Planner + KernelApplier with 2 WANs and the benchmark rules (the flow walks every rule to the default balance chain). " +
        "Rounds alternate the order (plain/engine, engine/plain); medians over rounds.";

    private enum Mode { None, Plain, Engine }

    public async Task<ThroughputResults> RunAsync(CancellationToken ct)
    {
        await using var lab = await NetnsLab.CreateAsync([new LabWan(1), new LabWan(2)], prefix: prefix + "t", ct: ct);
        var server = await Iperf3.StartServerAsync(lab, lab.Inet, Server, int.Parse(Port, CultureInfo.InvariantCulture), [], ct);

        var app = new ProcessCommandRunner(lab.Appliance);
        var applier = new KernelApplier(app, NullLogger<KernelApplier>.Instance);
        var config = BenchConfig.Create(2, rules);
        var desired = Planner.Plan(BenchConfig.Snapshot(1, config), BenchConfig.AllUp(config));
        // Reverse-path settings as the lab left them, to undo the engine's for plain forwarding; ip_forward stays 1 throughout.
        var rpFilters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var sysctl in desired.Sysctls.Where(s => s.Key.EndsWith("/rp_filter", StringComparison.Ordinal) || s.Key.EndsWith("/src_valid_mark", StringComparison.Ordinal)))
        {
            rpFilters[sysctl.Key] = (await app.RunCheckedAsync("sysctl", ["-n", sysctl.Key], null, ct)).Trim();
        }
        await app.RunCheckedAsync("sysctl", ["-q", "-w", "net.ipv4.ip_forward=1"], null, ct);

        var samples = new Dictionary<(Mode, int), List<double>>();
        var retransmits = new Dictionary<(Mode, int), int>();
        var sessions = streams.ToDictionary(s => s, _ => new SortedDictionary<string, long>(StringComparer.Ordinal));
        var mode = Mode.None;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var next in round % 2 == 0 ? new[] { Mode.Plain, Mode.Engine } : [Mode.Engine, Mode.Plain])
            {
                mode = await SwitchAsync(lab, app, applier, desired, rpFilters, mode, next, ct);
                foreach (var count in streams)
                {
                    var before = mode == Mode.Engine ? await NewSessionCountersAsync(app, ct) : null;
                    var (gbps, retrans) = await IperfAsync(lab, count, ct);
                    if (before is not null)
                    {
                        foreach (var (wan, after) in await NewSessionCountersAsync(app, ct))
                        {
                            sessions[count][wan] = sessions[count].GetValueOrDefault(wan) + after - before.GetValueOrDefault(wan);
                        }
                    }
                    AddSample(samples, (mode, count), gbps);
                    retransmits[(mode, count)] = retransmits.GetValueOrDefault((mode, count)) + retrans;
                    await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"  round {round + 1}/{rounds} {(mode == Mode.Plain ? "plain " : "engine")} -P {count}: {gbps:0.00} Gbit/s, {retrans} retransmits"));
                }
            }
        }
        if (server.HasExited)
        {
            throw new InvalidOperationException("the iperf3 server ended early");
        }

        var results = streams.Select(count =>
        {
            var plain = Summary.Of(samples[(Mode.Plain, count)]);
            var engine = Summary.Of(samples[(Mode.Engine, count)]);
            return new ThroughputResult(count, plain, engine, Math.Round(engine.Median / plain.Median, 3),
                retransmits[(Mode.Plain, count)], retransmits[(Mode.Engine, count)], sessions[count]);
        }).ToList();
        return new ThroughputResults(seconds, rounds, rules, Setup, results);
    }

    private static void AddSample(Dictionary<(Mode, int), List<double>> samples, (Mode, int) key, double value)
    {
        if (!samples.TryGetValue(key, out var list))
        {
            samples[key] = list = [];
        }
        list.Add(value);
    }

    private static async Task<Mode> SwitchAsync(NetnsLab lab, ProcessCommandRunner app, KernelApplier applier, DesiredState desired,
        IReadOnlyDictionary<string, string> rpFilters, Mode from, Mode to, CancellationToken ct)
    {
        if (to == Mode.Plain)
        {
            if (from == Mode.Engine)
            {
                await ApplyLatencyBench.ResetAsync(app, desired, rpFilters, ct);
            }
            await app.RunCheckedAsync("nft", ["-f", "-"],
                $"table ip {PlainTable} {{\n\tchain postrouting {{\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname \"wan1\" masquerade\n\t}}\n}}\n", ct);
            // The baseline is a plain router, whose only way out is a default route in main; the engine never needs one.
            await app.RunCheckedAsync("ip", ["route", "replace", "default", "via", lab.Wans[0].Gateway.ToString(), "dev", lab.Wans[0].Interface], null, ct);
            if ((await app.RunAsync("nft", ["list", "table", KernelIds.TableFamily, KernelIds.TableName], null, ct)).Succeeded ||
                (await applier.ReadRulesAsync(ct)).Count > 0 || (await applier.ReadRoutesAsync(ct)).Count > 0)
            {
                throw new InvalidOperationException("plain forwarding still has appliance state in the kernel");
            }
        }
        else
        {
            if (from == Mode.Plain)
            {
                await app.RunCheckedAsync("nft", ["delete", "table", "ip", PlainTable], null, ct);
                await app.RunCheckedAsync("ip", ["route", "del", "default", "table", "main"], null, ct);
            }
            await applier.ApplyAsync(desired, ct);
            await app.RunCheckedAsync("nft", ["list", "table", KernelIds.TableFamily, KernelIds.TableName], null, ct);
        }
        return to;
    }

    /// <summary>The engine's per-WAN "new session" counters, by WAN name.</summary>
    private static async Task<Dictionary<string, long>> NewSessionCountersAsync(ProcessCommandRunner app, CancellationToken ct)
    {
        var json = await app.RunCheckedAsync("nft", ["-j", "list", "counters", "table", KernelIds.TableFamily, KernelIds.TableName], null, ct);
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(json);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("counter", out var counter) && counter.GetProperty("name").GetString() is { } name &&
                name.StartsWith("wan_", StringComparison.Ordinal) && name.EndsWith("_new", StringComparison.Ordinal))
            {
                counters[name["wan_".Length..^"_new".Length]] = counter.GetProperty("packets").GetInt64();
            }
        }
        return counters;
    }

    /// <summary>One iperf3 run from the LAN client.</summary>
    private async Task<(double Gbps, int Retransmits)> IperfAsync(NetnsLab lab, int streamCount, CancellationToken ct)
    {
        List<string> args = ["-c", Server, "-p", Port, "-t", seconds.ToString(CultureInfo.InvariantCulture)];
        if (streamCount > 1)
        {
            args.AddRange(["-P", streamCount.ToString(CultureInfo.InvariantCulture)]);
        }
        var run = await Iperf3.ClientAsync(lab.Lan, [], args, log, ct);
        return (run.BitsPerSecond / 1e9, run.Retransmits);
    }
}
