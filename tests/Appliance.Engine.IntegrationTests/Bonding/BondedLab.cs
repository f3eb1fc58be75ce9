using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Engine.Configuration;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests.Bonding;

/// <summary>
/// lan ─ edge appliance ─ wan1…n (TBF) ─ ISPs ─ inet ─ hub, where a second appliance in the hub role listens on
/// 203.0.113.20 in its own namespace and a bulk server runs on 203.0.113.10 in the internet. Both appliances are the
/// real host with their engines in the lab.
/// </summary>
public sealed class BondedLab : IAsyncDisposable
{
    public const string EdgeId = "edge-1";
    public const string Key = "lab-shared-key-0123456789";
    public const int HubPort = 7443;
    public static readonly IPEndPoint BulkEndpoint = new(LabAddresses.Server, 5201);

    private BondedLab(NetnsLab lab, ApplianceUnderTest hub, ApplianceUnderTest edge, BulkServer server)
    {
        Lab = lab;
        Hub = hub;
        Edge = edge;
        Server = server;
    }

    public NetnsLab Lab { get; }
    public ApplianceUnderTest Hub { get; }
    public ApplianceUnderTest Edge { get; }
    public BulkServer Server { get; }

    /// <param name="ratesMbit">One WAN per entry, shaped to that rate both ways (null: unshaped).</param>
    /// <param name="hubSettings">Host settings of the hub (e.g. bonding limits) on top of the defaults.</param>
    /// <param name="edgeSettings">Host settings of the edge on top of the defaults.</param>
    public static async Task<BondedLab> CreateAsync(
        IReadOnlyList<double?> ratesMbit, bool encrypt = false, WanMode mode = WanMode.Bond,
        IReadOnlyDictionary<string, string>? hubSettings = null, IReadOnlyDictionary<string, string>? edgeSettings = null)
    {
        var lab = await NetnsLab.CreateAsync(ratesMbit.Select((rate, i) => new LabWan(i + 1, rate)).ToList());
        ApplianceUnderTest? hub = null, edge = null;
        try
        {
            hub = new ApplianceUnderTest(lab, ns: lab.Hub, settings: hubSettings);
            await hub.ConfigureAsync([], settings: new ApplianceSettings
            {
                Role = ApplianceRole.Hub,
                Listen = new HubListenSettings { Address = LabAddresses.Hub.ToString(), Port = HubPort },
            }, usable: 0);
            var registered = await hub.Api.PostAsJsonAsync("/api/v1/hub/edges", new { id = EdgeId, key = Key, encrypt });
            if (!registered.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"registering the edge failed: {await registered.Content.ReadAsStringAsync()}");
            }

            edge = new ApplianceUnderTest(lab, settings: edgeSettings);
            await edge.ConfigureAsync(EdgeWans(lab, mode), settings: EdgeSettings(encrypt));
            if (mode == WanMode.Bond)
            {
                await edge.WaitForBondingAsync(b => b.GetProperty("paths").GetArrayLength() == lab.Wans.Count, TimeSpan.FromSeconds(15));
            }
            var server = new BulkServer(lab.Thread(lab.Inet), BulkEndpoint);
            return new BondedLab(lab, hub, edge, server);
        }
        catch
        {
            edge?.Dispose();
            hub?.Dispose();
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every lab WAN, probed, in one mode.</summary>
    public static IEnumerable<WanLink> EdgeWans(NetnsLab lab, WanMode mode) => lab.Wans.Select(w => ApplianceUnderTest.ProbedWan(w) with { Mode = mode });

    /// <summary>The edge's settings: the lab's LAN and this hub.</summary>
    public static ApplianceSettings EdgeSettings(bool encrypt) => ApplianceUnderTest.LabSettings with
    {
        Hub = new HubPeerSettings { Address = LabAddresses.Hub.ToString(), Port = HubPort, EdgeId = EdgeId, Key = Key, Encrypt = encrypt },
    };

    /// <summary>Bytes received so far on a WAN interface of the edge (kernel counters).</summary>
    public async Task<long> WanRxBytesAsync(int index) =>
        long.Parse((await Lab.ExecAsync(Lab.Appliance, "cat", $"/sys/class/net/wan{index}/statistics/rx_bytes")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What the engine's own rx counter of a WAN has counted (bytes), as /status's rates read it.</summary>
    public async Task<long> EngineRxBytesAsync(int index)
    {
        var json = await Lab.ExecAsync(Lab.Appliance, "nft", "-j", "list", "counter", "inet", "appliance", $"wan_wan{index}_rx");
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("nftables").EnumerateArray()
            .Single(e => e.TryGetProperty("counter", out _)).GetProperty("counter").GetProperty("bytes").GetInt64();
    }

    public async ValueTask DisposeAsync()
    {
        Server.Dispose();
        Edge.Dispose();
        Hub.Dispose();
        await Lab.DisposeAsync();
        Edge.DeleteData();
        Hub.DeleteData();
    }
}
