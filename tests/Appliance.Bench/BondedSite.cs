using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Status;
using Appliance.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Appliance.Bench;

/// <summary>
/// A NetnsLab with two appliances: the edge (every WAN in bond mode) in the appliance namespace and the hub
/// (203.0.113.20:7443) in the internet, each with the production data and engine registrations.
/// </summary>
public sealed class BondedSite : IAsyncDisposable
{
    public const string EdgeId = "bench-edge";
    private const string Key = "bench-shared-key-0123456789";
    private const int HubPort = 7443;
    private readonly DirectoryInfo _data;
    private readonly List<IHost> _started = [];

    private BondedSite(NetnsLab lab, DirectoryInfo data)
    {
        Lab = lab;
        _data = data;
    }

    public NetnsLab Lab { get; }
    private IHost Edge => _started[1];

    /// <summary>The edge's bonding status: paths in use, sessions and bytes relayed.</summary>
    public BondingStatus EdgeBonding => Edge.Services.GetRequiredService<IEngineStatusSource>().Current.Bonding
        ?? throw new InvalidOperationException("the edge reports no bonding");

    public static async Task<BondedSite> CreateAsync(string prefix, IReadOnlyList<double?> ratesMbit, bool encrypt, CancellationToken ct)
    {
        var lab = await NetnsLab.CreateAsync(ratesMbit.Select((rate, i) => new LabWan(i + 1, rate)).ToList(), prefix: prefix, ct: ct);
        var site = new BondedSite(lab, Directory.CreateTempSubdirectory("appliance-bench-bond-"));
        try
        {
            var hub = await site.StartAsync(lab.Hub, "hub", new ApplianceConfig
            {
                Settings = new ApplianceSettings
                {
                    Role = ApplianceRole.Hub,
                    Listen = new HubListenSettings { Address = LabAddresses.Hub.ToString(), Port = HubPort },
                },
            }, ct);
            await hub.Services.GetRequiredService<HubEdgeStore>().CreateAsync(new NewHubEdge(EdgeId, Key, Encrypt: encrypt), ChangeContext.System, ct);
            await WaitAsync(hub, b => b.State == "listening", "the hub to listen", ct);

            await site.StartAsync(lab.Appliance, "edge", new ApplianceConfig
            {
                Wans = lab.Wans.Select(w => new WanLink
                {
                    Name = w.Interface, Interface = w.Interface, Gateway = w.Gateway.ToString(), Mode = WanMode.Bond,
                    Probes = new ProbeSettings { Targets = [LabAddresses.Server.ToString()] },
                }).ToList(),
                Settings = new ApplianceSettings
                {
                    Lan = new LanSettings { Interfaces = ["lan0"], Addresses = [LabAddresses.ApplianceLan + "/24"] },
                    Hub = new HubPeerSettings { Address = LabAddresses.Hub.ToString(), Port = HubPort, EdgeId = EdgeId, Key = Key, Encrypt = encrypt },
                },
            }, ct);
            await site.WaitPathsAsync(lab.Wans.Count, ct);
            return site;
        }
        catch
        {
            await site.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits (at most 15 s) until the edge bonds over exactly <paramref name="count"/> WANs.</summary>
    public Task WaitPathsAsync(int count, CancellationToken ct) =>
        WaitAsync(Edge, b => b.Paths.Count == count, $"the edge to bond over {count} WANs", ct);

    private async Task<IHost> StartAsync(string ns, string name, ApplianceConfig config, CancellationToken ct)
    {
        var host = EngineHost.Build(ns, Path.Combine(_data.FullName, name));
        await host.StartAsync(ct);
        _started.Add(host);
        await host.Services.GetRequiredService<IConfigStore>().ImportAsync(config, ChangeContext.System, ct);
        await host.Services.GetRequiredService<IRevisionLog>().ApplyAsync($"bonding bench {name}", 0, ChangeContext.System, ct);
        return host;
    }

    private static async Task WaitAsync(IHost host, Func<BondingStatus, bool> condition, string what, CancellationToken ct)
    {
        var status = host.Services.GetRequiredService<IEngineStatusSource>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (status.Current.Bonding is not { } bonding || !condition(bonding))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}: {status.Current.Message}; bonding {status.Current.Bonding}");
            }
            await Task.Delay(50, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_started))
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }
        await Lab.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
