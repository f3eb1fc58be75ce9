using System.Globalization;
using System.Text;

namespace Appliance.Bench;

/// <summary>The human-readable form of the results (bench.txt and the console).</summary>
public static class Report
{
    public static string Render(BenchResults r)
    {
        var t = new StringBuilder();
        Line(t, $"Benchmarks, {r.StartedAt}, {r.DurationSeconds:0.0} s, status: {r.Status}");
        var m = r.Machine;
        Line(t, $"machine: nproc {m.Nproc}, kernel {m.Kernel}, {m.Cpu}; {m.Runtime}; {m.Nft}; {m.Iperf3}");
        Line(t, $"load average (1/5/15 min) at start {m.LoadAverage}, at end {r.LoadAverageAtEnd}");
        if (r.Apply is { } apply)
        {
            Line(t, $"");
            Line(t, $"1. Config change to kernel committed ({apply.Rules} rules; ms unless noted)");
            Wrap(t, apply.Setup);
            Line(t, $"  samples per WAN count: cold {apply.ColdSamples}, change {apply.Repeats}, no-op {apply.Repeats}; 'change' = plan + apply, the headline");
            Line(t, $"  WANs  ruleset   plan µs      cold apply          change (headline)        no-op apply    processes per apply");
            Line(t, $"                  median    median    max    median    max  apply-only   median    max    cold change no-op");
            foreach (var a in apply.ByWanCount)
            {
                Line(t, $"  {a.Wans,4}  {a.RulesetBytes / 1024.0,5:0.0} kB  {a.PlanUs.Median,7:0}  {a.Cold.Median,8:0.0} {a.Cold.Max,6:0.0}  {a.Change.Median,8:0.0} {a.Change.Max,6:0.0}  {a.ChangeApplyOnly.Median,10:0.0}  {a.Noop.Median,7:0.0} {a.Noop.Max,6:0.0}  {a.ColdCommands.Processes,6} {a.ChangeCommands.Processes,6} {a.NoopCommands.Processes,5}");
            }
            Line(t, $"  WAN interfaces: {string.Join(", ", apply.ByWanCount.Select(a => a.Interfaces).Distinct())}; first Planner.Plan call of the process (JIT): {apply.PlanColdStartMs:0.0} ms");
            if (apply.ByWanCount.MaxBy(a => a.Wans) is { } largest)
            {
                Line(t, $"  commands of one apply with {largest.Wans} WANs (time in processes, last sample):");
                foreach (var (label, tally) in new[] { ("cold", largest.ColdCommands), ("change", largest.ChangeCommands), ("no-op", largest.NoopCommands) })
                {
                    Line(t, $"    {label,-6} {tally.Processes,3} processes, {tally.ProcessMs,6:0.0} ms: {string.Join(", ", tally.ByKind.Select(kv => $"{kv.Key} ×{kv.Value}"))}");
                }
            }
        }
        if (r.Throughput is { } tp)
        {
            Line(t, $"");
            Line(t, $"2. Forwarding throughput, plain vs engine ruleset ({tp.Rules} rules), iperf3 TCP {tp.Seconds} s × {tp.Rounds} rounds, Gbit/s received (median)");
            Wrap(t, tp.Setup);
            Line(t, $"  streams    plain   engine   engine/plain   retransmits plain/engine   engine new sessions*     samples plain | engine");
            foreach (var x in tp.ByStreams)
            {
                var sessions = x.EngineSessionsByWan.Count == 0 ? "-" : string.Join(", ", x.EngineSessionsByWan.Select(kv => $"{kv.Key} {kv.Value}"));
                Line(t, $"  {x.Streams,7}  {x.PlainGbps.Median,7:0.00}  {x.EngineGbps.Median,7:0.00}  {x.Ratio,13:0.000}   {x.PlainRetransmits,11}/{x.EngineRetransmits,-12}  {sessions,-23}  {Samples(x.PlainGbps)} | {Samples(x.EngineGbps)}");
            }
            Line(t, $"  * per WAN, counted by the engine's counters over all engine runs: iperf3 control and data connections");
        }
        if (r.Failover is { } f)
        {
            Line(t, $"");
            Line(t, $"3. Failover: wan1 fails, time until every new session leaves via wan2 ({f.Trials} trials each; ms)");
            Wrap(t, f.Setup);
            Line(t, $"  failure            median     worst      best");
            Line(t, $"  silent (drop all)  {f.SilentFailureMs.Median,6:0}  {f.SilentFailureMs.Max,8:0}  {f.SilentFailureMs.Min,8:0}");
            Line(t, $"  carrier loss       {f.CarrierLossMs.Median,6:0}  {f.CarrierLossMs.Max,8:0}  {f.CarrierLossMs.Min,8:0}");
        }
        if (r.Bonding is { } b)
        {
            RenderBonding(t, b);
        }
        if (r.LiveStatus is { } l)
        {
            Line(t, $"");
            Line(t, $"5. Live status hub: {l.Clients} SignalR clients over WebSockets, a snapshot a second ({l.SnapshotBytes} bytes), {l.Seconds} s measured");
            Line(t, $"  delivered {l.Delivered}/{l.Expected}; latency p50 {l.P50Ms:0.0} ms, p99 {l.P99Ms:0.0} ms, max {l.MaxMs:0.0} ms; connected at the end {l.ConnectedAtEnd}");
            Line(t, $"  appliance process CPU: {l.IdleCpuPercent:0.0} % of one core without clients, {l.CpuPercent:0.0} % with them");
        }
        if (r.Renewal is { } n)
        {
            Line(t, $"");
            Line(t, $"6. DHCP renumbering: the ISP moves wan1 to a new address and gateway ({n.Trials} trials; ms)");
            Wrap(t, n.Setup);
            Line(t, $"                                   median     worst      best");
            Line(t, $"  renew request to new lease      {n.LeaseMs.Median,7:0}  {n.LeaseMs.Max,8:0}  {n.LeaseMs.Min,8:0}");
            Line(t, $"  new lease to traffic flowing    {n.TrafficAfterLeaseMs.Median,7:0}  {n.TrafficAfterLeaseMs.Max,8:0}  {n.TrafficAfterLeaseMs.Min,8:0}   (goal: under 2000)");
        }
        return t.ToString();
    }

    private static void RenderBonding(StringBuilder t, BondingResults b)
    {
        Line(t, $"");
        Line(t, $"4. Bonding: one TCP session through the hub (iperf3 {b.Seconds} s after a {b.OmitSeconds} s warm-up; Mbit/s received)");
        Wrap(t, b.Setup);
        if (b.Shaped.Count > 0)
        {
            Line(t, $"  links (Mbit)   sum    relay down  of sum   relay up  of sum   kernel down  kernel up   relay/kernel down  up");
        }
        foreach (var s in b.Shaped)
        {
            Line(t, $"  {s.Links,-12} {s.SumMbit,5:0}   {s.RelayDownMbit,10:0.0}  {s.RelayDownOfSum,6:0.000}  {s.RelayUpMbit,9:0.0}  {s.RelayUpOfSum,6:0.000}  {s.KernelDownMbit,11:0.0}  {s.KernelUpMbit,9:0.0}   {s.RelayDownOfKernel,17:0.000}  {s.RelayUpOfKernel,5:0.000}");
        }
        if (b.Handover.Count > 0)
        {
            Line(t, $"  handover ({string.Join('+', BondingBench.ShapedLinks[0])} Mbit, wan1 silent for 5 s during an 18 s download): completed {b.Handover.Count(h => h.Completed)}/{b.Handover.Count}");
            static string Join(IEnumerable<double> values, string format) => string.Join(" ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));
            var stalls = Join(b.Handover.Select(h => h.LongestStallMs), "0");
            var removed = Join(b.Handover.Select(h => h.EndpointRemovedMs), "0");
            var back = Join(b.Handover.Select(h => h.EndpointBackMs), "0");
            var after = Join(b.Handover.Select(h => h.Wan1MbitAfterReturn), "0.0");
            Line(t, $"    longest stall ms {stalls}; endpoint removed after ms {removed}; back after ms {back}; wan1 Mbit/s after return {after}");
        }
        if (b.Unshaped.Count > 0)
        {
            Line(t, $"  unshaped veth (Gbit/s; CPU-s per Gbit relayed, edge and hub relays together)");
            Line(t, $"  mode    down Gbit/s  CPU/Gbit   up Gbit/s  CPU/Gbit   kernel MPTCP down  up");
        }
        foreach (var u in b.Unshaped)
        {
            Line(t, $"  {u.Mode,-6} {u.DownGbps,12:0.000}  {u.DownCpuSecondsPerGbit,8:0.000}  {u.UpGbps,10:0.000}  {u.UpCpuSecondsPerGbit,8:0.000}   {(u.KernelDownGbps is { } kd ? kd.ToString("0.000", CultureInfo.InvariantCulture) : "-"),17}  {(u.KernelUpGbps is { } ku ? ku.ToString("0.000", CultureInfo.InvariantCulture) : "-")}");
        }
    }

    private static string Samples(Summary s) => string.Join(" ", s.Samples.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)));

    private static void Line(StringBuilder t, FormattableString line) => t.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Wrap(StringBuilder t, string text)
    {
        var line = new StringBuilder("  ");
        foreach (var word in text.Split(' '))
        {
            if (line.Length + word.Length > 118 && line.Length > 2)
            {
                t.Append(line.ToString().TrimEnd()).Append('\n');
                line.Clear().Append("  ");
            }
            line.Append(word).Append(' ');
        }
        t.Append(line.ToString().TrimEnd()).Append('\n');
    }
}
