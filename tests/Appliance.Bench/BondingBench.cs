using System.Diagnostics;
using System.Globalization;
using System.Net;
using Appliance.Testing;

namespace Appliance.Bench;

/// <summary>
/// Bonding through the hub on the real kernel: one TCP session's goodput over 2 and 3 shaped links against their sum
/// and against the kernel's own MPTCP (mptcpize run iperf3, end to end over the same links and endpoints), a link
/// going silent mid-download, and the relay unshaped on veth, plain and with TLS, with the CPU it costs.
/// </summary>
public sealed class BondingBench(string prefix, int seconds, int omit, int handoverTrials, bool shaped, bool unshaped, TextWriter log)
{
    private const int RelayPort = 5201;
    private const int KernelPort = 5202;
    private static readonly string Server = LabAddresses.Server.ToString();
    private static readonly string[] Mptcpize = ["mptcpize", "run"];

    public static readonly IReadOnlyList<IReadOnlyList<double>> ShapedLinks = [[20, 10], [20, 20], [20, 10, 10]];

    public const string Setup =
        "lan ─ edge appliance ─ wan1..n (TBF both ways at the ISP) ─ inet with the hub (203.0.113.20:7443) and iperf3 (203.0.113.10); " +
        "edge and hub are the real engine (production registrations) in this process. relay = iperf3 from the LAN client, taken by TPROXY " +
        "and relayed over one MPTCP connection per session through the hub; kernel = mptcpize run iperf3 from the edge namespace to an " +
        "mptcpize iperf3 server, using the same MPTCP endpoints and source routes. Rates are iperf3's receiver figures after its omitted warm-up.";

    public async Task<BondingResults> RunAsync(CancellationToken ct)
    {
        var shapedResults = new List<BondedLinksResult>();
        List<HandoverTrial> handover = [];
        for (var i = 0; shaped && i < ShapedLinks.Count; i++)
        {
            var rates = ShapedLinks[i];
            await using var site = await BondedSite.CreateAsync($"{prefix}b{i}", rates.Select(r => (double?)r).ToList(), encrypt: false, ct);
            shapedResults.Add(await ShapedAsync(site, rates, ct));
            if (i == 0)
            {
                handover = await HandoverAsync(site, ct);
            }
        }
        var unshapedResults = new List<UnshapedRelayResult>();
        foreach (var encrypt in unshaped ? new[] { false, true } : [])
        {
            await using var site = await BondedSite.CreateAsync($"{prefix}u{(encrypt ? 1 : 0)}", [null, null], encrypt, ct);
            unshapedResults.Add(await UnshapedAsync(site, encrypt, ct));
        }
        return new BondingResults(seconds, omit, Setup, shapedResults, handover, unshapedResults);
    }

    private async Task<BondedLinksResult> ShapedAsync(BondedSite site, IReadOnlyList<double> rates, CancellationToken ct)
    {
        var lab = site.Lab;
        await Iperf3.StartServerAsync(lab, lab.Inet, Server, RelayPort, [], ct);
        await Iperf3.StartServerAsync(lab, lab.Inet, Server, KernelPort, Mptcpize, ct);
        var links = string.Join('+', rates.Select(r => r.ToString("0", CultureInfo.InvariantCulture)));
        var sum = rates.Sum();
        async Task<double> Mbit(string what, string ns, string[] wrapper, int port, bool download)
        {
            var run = await Iperf3.ClientAsync(ns, wrapper, Args(port, seconds, omit, download), log, ct);
            var mbit = run.BitsPerSecond / 1e6;
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {links} Mbit {what,-6} {(download ? "download" : "upload  ")}: {mbit,6:0.0} Mbit/s = {mbit / sum:0.000} of the sum, {run.Retransmits} retransmits"));
            return mbit;
        }
        var relayDown = await Mbit("relay", lab.Lan, [], RelayPort, download: true);
        var relayUp = await Mbit("relay", lab.Lan, [], RelayPort, download: false);
        var kernelDown = await Mbit("kernel", lab.Appliance, Mptcpize, KernelPort, download: true);
        var kernelUp = await Mbit("kernel", lab.Appliance, Mptcpize, KernelPort, download: false);
        return new BondedLinksResult(links, sum, Math.Round(relayDown, 2), Math.Round(relayUp, 2), Math.Round(kernelDown, 2), Math.Round(kernelUp, 2));
    }

    /// <summary>A long download while wan1 goes silent for 5 s and returns: does it complete, how long does it stall, when is wan1 back.</summary>
    private async Task<List<HandoverTrial>> HandoverAsync(BondedSite site, CancellationToken ct)
    {
        var lab = site.Lab;
        using var server = new BulkServer(lab.Thread(lab.Inet), new IPEndPoint(LabAddresses.Server, 5300));
        var trials = new List<HandoverTrial>();
        for (var i = 0; i < handoverTrials; i++)
        {
            var download = BulkClient.DownloadAsync(lab.Thread(lab.Lan), server.Endpoint, TimeSpan.FromSeconds(18), ct);
            await Task.Delay(TimeSpan.FromSeconds(4), ct);
            var clock = Stopwatch.StartNew();
            await lab.SetIspSilentAsync(1, true);
            await site.WaitPathsAsync(lab.Wans.Count - 1, ct);
            var removed = clock.Elapsed.TotalMilliseconds;
            await Task.Delay(TimeSpan.FromSeconds(5) - clock.Elapsed, ct);
            await lab.SetIspSilentAsync(1, false);
            clock.Restart();
            await site.WaitPathsAsync(lab.Wans.Count, ct);
            var back = clock.Elapsed.TotalMilliseconds;
            var before = await RxBytesAsync(lab, 1);
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            var wan1Mbit = (await RxBytesAsync(lab, 1) - before) * 8 / 1e6 / 3;
            var transfer = await download;
            var trial = new HandoverTrial(transfer.Completed, Math.Round(transfer.LongestStallSeconds(1, transfer.Seconds) * 1000), Math.Round(removed), Math.Round(back),
                Math.Round(wan1Mbit, 1), Math.Round(transfer.RateMbit(0, transfer.Seconds), 1));
            trials.Add(trial);
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  handover {i + 1}: completed {trial.Completed}, longest stall {trial.LongestStallMs:0} ms, wan1 endpoint removed after {trial.EndpointRemovedMs:0} ms, " +
                $"back {trial.EndpointBackMs:0} ms after the link returned, then wan1 carried {trial.Wan1MbitAfterReturn:0.0} Mbit/s"));
            // The next trial starts with wan1 fully recovered and the previous session gone.
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
        return trials;
    }

    private async Task<UnshapedRelayResult> UnshapedAsync(BondedSite site, bool encrypt, CancellationToken ct)
    {
        var lab = site.Lab;
        var short_ = Math.Min(seconds, 5);
        await Iperf3.StartServerAsync(lab, lab.Inet, Server, RelayPort, [], ct);
        var mode = encrypt ? "tls" : "plain";
        async Task<(double Gbps, double CpuPerGbit)> Relay(bool download)
        {
            var bytesBefore = site.EdgeBonding.BytesUp + site.EdgeBonding.BytesDown;
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var run = await Iperf3.ClientAsync(lab.Lan, [], Args(RelayPort, short_, 1, download), log, ct);
            var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds;
            var gbit = (site.EdgeBonding.BytesUp + site.EdgeBonding.BytesDown - bytesBefore) * 8 / 1e9;
            var result = (Math.Round(run.BitsPerSecond / 1e9, 3), Math.Round(cpu / gbit, 3));
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  unshaped relay {mode,-5} {(download ? "download" : "upload  ")}: {result.Item1:0.000} Gbit/s, {result.Item2:0.000} CPU-s per Gbit relayed ({gbit:0.0} Gbit, {cpu:0.0} CPU-s)"));
            return result;
        }
        var down = await Relay(download: true);
        var up = await Relay(download: false);
        double? kernelDown = null, kernelUp = null;
        if (!encrypt)
        {
            await Iperf3.StartServerAsync(lab, lab.Inet, Server, KernelPort, Mptcpize, ct);
            kernelDown = Math.Round((await Iperf3.ClientAsync(lab.Appliance, Mptcpize, Args(KernelPort, short_, 1, true), log, ct)).BitsPerSecond / 1e9, 3);
            kernelUp = Math.Round((await Iperf3.ClientAsync(lab.Appliance, Mptcpize, Args(KernelPort, short_, 1, false), log, ct)).BitsPerSecond / 1e9, 3);
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  unshaped kernel MPTCP: download {kernelDown:0.000} Gbit/s, upload {kernelUp:0.000} Gbit/s"));
        }
        return new UnshapedRelayResult(mode, short_, down.Gbps, up.Gbps, down.CpuPerGbit, up.CpuPerGbit, kernelDown, kernelUp);
    }

    private static string[] Args(int port, int duration, int warmUp, bool download)
    {
        string[] args = ["-c", Server, "-p", port.ToString(CultureInfo.InvariantCulture), "-t", duration.ToString(CultureInfo.InvariantCulture),
            "-O", warmUp.ToString(CultureInfo.InvariantCulture)];
        return download ? [.. args, "-R"] : args;
    }

    private static async Task<long> RxBytesAsync(NetnsLab lab, int wan) =>
        long.Parse((await lab.ExecAsync(lab.Appliance, "cat", $"/sys/class/net/wan{wan}/statistics/rx_bytes")).Trim(), CultureInfo.InvariantCulture);
}
