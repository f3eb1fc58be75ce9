using System.Diagnostics;
using System.Net;
using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Status;
using Appliance.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Appliance.Bench;

/// <summary>
/// Detection + reroute time: from the moment wan1 fails (its ISP goes silent, or its carrier drops) to the first of
/// 12 new sessions in a row that all leave through wan2. The real engine (health monitor, planner, applier) runs
/// in-process with the production registrations and default probe timing (ICMP every 250 ms, down after 3 rounds).
/// </summary>
public sealed class FailoverBench(string prefix, int trials, TextWriter log)
{
    public async Task<FailoverResults> RunAsync(CancellationToken ct)
    {
        await using var lab = await NetnsLab.CreateAsync([new LabWan(1), new LabWan(2)], prefix: prefix + "f", ct: ct);
        return await EngineHost.RunAsync(lab.Appliance, Config(lab), "failover bench", async services =>
        {
            var status = services.GetRequiredService<IEngineStatusSource>();
            await WaitUsableAsync(status, 2, ct);
            using var server = new CountingTcpServer(lab.Thread(lab.Inet), new IPEndPoint(LabAddresses.Server, 8080));
            var silent = await TrialsAsync("silent failure", lab, server, status,
                () => lab.SetIspSilentAsync(1, true), () => lab.SetIspSilentAsync(1, false), ct);
            var carrier = await TrialsAsync("carrier loss", lab, server, status,
                () => lab.SetCarrierAsync(1, false), () => lab.SetCarrierAsync(1, true), ct);
            return new FailoverResults(trials, "ICMP probe to 203.0.113.10 every 250 ms, timeout 500 ms, down after 3 rounds; a new TCP connection every 50 ms, done when 12 in a row leave via wan2",
                Summary.Of(silent), Summary.Of(carrier));
        }, ct);
    }

    private async Task<List<double>> TrialsAsync(
        string label, NetnsLab lab, CountingTcpServer server, IEngineStatusSource status, Func<Task> fail, Func<Task> restore, CancellationToken ct)
    {
        var samples = new List<double>();
        for (var i = 0; i < trials; i++)
        {
            ct.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            await fail();
            var reroute = await RerouteClock.TimeUntilAllViaAsync(lab.Thread(lab.Lan), server, lab.Wans[1].ApplianceAddress, clock, 12,
                TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10));
            await restore();
            samples.Add(reroute?.TotalMilliseconds ?? 10_000); // the limit: never rerouted
            await log.WriteLineAsync($"   {label} trial {i + 1}: {(reroute is { } r ? $"{r.TotalMilliseconds:0} ms" : "not rerouted within 10 s")}");
            await WaitUsableAsync(status, 2, ct);
        }
        return samples;
    }

    private static async Task WaitUsableAsync(IEngineStatusSource status, int usable, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!(status.Current.Running && status.Current.Wans.Count(w => w.Usable) == usable))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the engine did not report {usable} usable WANs: {status.Current.Message}");
            }
            await Task.Delay(50, ct);
        }
        // Let the recovered link settle so the next trial starts from a steady state.
        await Task.Delay(500, ct);
    }

    private static ApplianceConfig Config(NetnsLab lab) => new()
    {
        Wans = lab.Wans.Select(w => new WanLink
        {
            Name = $"wan{w.Index}", Interface = w.Interface, Gateway = w.Gateway.ToString(),
            Probes = new ProbeSettings { Targets = [LabAddresses.Server.ToString()] },
        }).ToList(),
        Settings = new ApplianceSettings { Lan = new LanSettings { Interfaces = ["lan0"], Addresses = [LabAddresses.ApplianceLan + "/24"] } },
    };
}
