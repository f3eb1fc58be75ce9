using System.Diagnostics;
using System.Net;
using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Appliance.Engine.Status;
using Appliance.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Appliance.Bench;

/// <summary>
/// DHCP renumbering: wan1 gets its address from its ISP's DHCP server (dnsmasq), which moves to another range and
/// gateway and forgets the old lease; the engine is asked to renew (the API's renew does the same). Two figures per
/// trial: from the renew request to the new lease in the engine's state (udhcpc, the ISP's NAK and a new offer), and
/// from the new lease to the first LAN session that reaches the internet from the new address through wan1 (the
/// engine's part: address, routes, masquerade, probes). The real engine runs in-process with the production
/// registrations; wan2 is static; the lab adds no address or route in the appliance's namespace.
/// </summary>
public sealed class RenewalBench(string prefix, int trials, TextWriter log)
{
    private const int Port = 8081;

    public async Task<RenewalResults> RunAsync(CancellationToken ct)
    {
        var options = new NetnsLabOptions { EngineAddressesLan = true, EngineAddressedWans = new HashSet<int> { 1, 2 } };
        await using var lab = await NetnsLab.CreateAsync([new LabWan(1), new LabWan(2)], options, prefix: prefix + "r", ct: ct);
        var wan1 = lab.Wans[0];
        await using var isp = await IspDhcpServer.StartAsync(lab, wan1, IspDhcpServer.DefaultPlan(wan1));
        return await EngineHost.RunAsync(lab.Appliance, Config(), "renewal bench", async services =>
        {
            var status = services.GetRequiredService<IEngineStatusSource>();
            var addresses = services.GetRequiredService<IWanAddressSource>();
            var control = services.GetRequiredService<IWanAddressControl>();
            await WaitAsync(() => status.Current.Running && status.Current.Wans.Count(w => w.Usable) == 2,
                () => "both WANs usable: " + string.Join("; ", status.Current.Wans.Select(w => $"{w.Name} {w.State} ({w.Reason})")), ct);
            using var server = new CountingTcpServer(lab.Thread(lab.Inet), new IPEndPoint(LabAddresses.Server, Port));
            var lan = lab.Thread(lab.Lan);
            var lease = new List<double>();
            var resume = new List<double>();
            for (var i = 0; i < trials; i++)
            {
                ct.ThrowIfCancellationRequested();
                var before = Address(addresses);
                // Alternate between two numberings of the same subnet, each with its own gateway.
                var net = wan1.Gateway.ToString()[..wan1.Gateway.ToString().LastIndexOf('.')];
                await isp.ChangeAsync(i % 2 == 0
                    ? new IspDhcpPlan($"{net}.200", $"{net}.209", $"{net}.254", [])
                    : IspDhcpServer.DefaultPlan(wan1));
                var clock = Stopwatch.StartNew();
                if (!await control.RenewAsync("wan1", ct))
                {
                    throw new InvalidOperationException("the engine did not renew wan1 (no DHCP client running)");
                }
                await WaitAsync(() => Address(addresses) is { } now && !now.Equals(before), () => "a new lease on wan1", ct);
                lease.Add(clock.Elapsed.TotalMilliseconds);
                var after = Address(addresses)!;
                // The numberings alternate, so the new address may have carried sessions in an earlier trial.
                var earlier = server.CountFrom(after);
                var resumed = Stopwatch.StartNew();
                while (server.CountFrom(after) == earlier)
                {
                    if (resumed.Elapsed > TimeSpan.FromSeconds(20))
                    {
                        throw new TimeoutException($"no session left wan1 from {after} within 20 s of the new lease");
                    }
                    // A new connection every 100 ms at most: one whose SYN went out during the switch waits for
                    // TCP's own retry (1 s), which would hide when the path came back.
                    await LanClient.TcpBurstAsync(lan, server.Endpoint, 1, TimeSpan.FromSeconds(1), attemptTimeout: TimeSpan.FromMilliseconds(100));
                }
                resume.Add(resumed.Elapsed.TotalMilliseconds);
                await log.WriteLineAsync($"   trial {i + 1}: {before} -> {after}: lease {lease[^1]:0} ms after the renew request, traffic {resume[^1]:0} ms after the lease");
            }
            return new RenewalResults(trials,
                "wan1 by DHCP (udhcpc run by the engine) from dnsmasq on the ISP, which restarts with another range and gateway and an empty lease file; " +
                $"the engine renews (SIGUSR1), the old address is refused (NAK); a new TCP connection (given up after 100 ms) from the LAN to {LabAddresses.Server}:{Port} (pinned to wan1), one after another until one arrives from the new address",
                Summary.Of(lease), Summary.Of(resume));
        }, ct);
    }

    private static ApplianceConfig Config() => new()
    {
        Ports =
        [
            new PortConfig { Name = BenchConfig.LanInterface, Role = PortRole.Lan },
            new PortConfig { Name = "wan1", Role = PortRole.Wan },
            new PortConfig { Name = "wan2", Role = PortRole.Wan },
        ],
        Wans =
        [
            BenchConfig.Wan(1) with { Weight = 1, Gateway = WanLink.DhcpGateway, Addressing = new WanAddressing { Mode = AddressingMode.Dhcp }, Probes = Probes },
            BenchConfig.Wan(2) with
            {
                Weight = 1, Probes = Probes,
                Addressing = new WanAddressing { Mode = AddressingMode.Static, Address = BenchConfig.WanAddress(2) + "/24" },
            },
        ],
        Rules = [new Rule { Description = "renewal bench", Protocol = RuleProtocol.Tcp, DestinationPorts = "8081", Action = RuleAction.Pin, Wan = "wan1" }],
        Settings = new ApplianceSettings { Lan = new LanSettings { Addresses = [LabAddresses.ApplianceLan + "/24"] } },
    };

    private static ProbeSettings Probes => new() { Targets = [LabAddresses.Server.ToString()] };

    private static IPAddress? Address(IWanAddressSource addresses) =>
        addresses.Current.GetValueOrDefault("wan1")?.Address is { } cidr ? IPAddress.Parse(cidr.Split('/')[0]) : null;

    private static async Task WaitAsync(Func<bool> condition, Func<string> what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within 30 s: {what()}");
            }
            await Task.Delay(20, ct);
        }
    }
}
