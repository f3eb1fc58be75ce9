using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Engine.Bonding;
using Appliance.Engine.Kernel;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests.Bonding;

/// <summary>One TCP session through the bond: the sum of the links, and it survives losing one (wan1 20 Mbit + wan2 10 Mbit).</summary>
/// <remarks>
/// Rates are judged after a 5 s warm-up: the second subflow joins only once the connection is up and then starts in
/// slow start behind a TBF queue (measured here: about 16-20 Mbit/s in the first 3 s, 27-29 from the fifth on).
/// </remarks>
public sealed class BondingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const double Wan1Mbit = 20, Wan2Mbit = 10;
    private const double WarmUp = 5, Duration = 18;
    private const double Sum = Wan1Mbit + Wan2Mbit;
    private BondedLab _lab = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _lab = await BondedLab.CreateAsync([Wan1Mbit, Wan2Mbit]);

    public async ValueTask DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task A_single_download_and_a_single_upload_reach_most_of_the_sum_of_the_links()
    {
        var lan = _lab.Lab.Thread(_lab.Lab.Lan);

        var download = await BestOfTwoAsync(() => DownloadOnceAsync(lan), d => d.Rate, 0.85 * Sum, "download");
        var (down, downRate, wan1, wan2, engine1, engine2) = download;
        Assert.True(down.Completed, down.Error);
        Assert.True(downRate >= 0.85 * Sum, $"download {downRate:0.0} Mbit/s is below 0.85 of {Sum} Mbit/s");
        // Both links carried the one session: neither alone could give this rate, and neither is idle.
        Assert.InRange(wan1 / (double)(wan1 + wan2), 0.45, 0.85);
        // The engine's per-WAN counters see the bonded subflows (local traffic, not forwarded) like the interface does;
        // they count IP packets, the interface Ethernet frames.
        Assert.InRange(engine1 / (double)wan1, 0.95, 1.0);
        Assert.InRange(engine2 / (double)wan2, 0.95, 1.0);

        var (up, upRate) = await BestOfTwoAsync(() => UploadOnceAsync(lan), u => u.Rate, 0.85 * Sum, "upload");
        Assert.True(up.Completed, up.Error);
        Assert.True(upRate >= 0.85 * Sum, $"upload {upRate:0.0} Mbit/s is below 0.85 of {Sum} Mbit/s");
    }

    private sealed record DownloadRun(TransferLog Log, double Rate, long Wan1Bytes, long Wan2Bytes, long Engine1Bytes, long Engine2Bytes);

    private async Task<DownloadRun> DownloadOnceAsync(NamespaceThread lan)
    {
        var (rx1, rx2) = (await _lab.WanRxBytesAsync(1), await _lab.WanRxBytesAsync(2));
        var (counted1, counted2) = (await _lab.EngineRxBytesAsync(1), await _lab.EngineRxBytesAsync(2));

        var down = await BulkClient.DownloadAsync(lan, BondedLab.BulkEndpoint, TimeSpan.FromSeconds(Duration), Ct);

        var (wan1, wan2) = (await _lab.WanRxBytesAsync(1) - rx1, await _lab.WanRxBytesAsync(2) - rx2);
        var (engine1, engine2) = (await _lab.EngineRxBytesAsync(1) - counted1, await _lab.EngineRxBytesAsync(2) - counted2);
        var downRate = down.RateMbit(WarmUp, Duration);
        output.WriteLine($"download: {downRate:0.0} Mbit/s after the warm-up = {downRate / Sum:0.000} of {Sum} Mbit; whole transfer {down.RateMbit(0, down.Seconds):0.0}; wan1 {wan1 * 100.0 / (wan1 + wan2):0}% of the bytes");
        output.WriteLine("download per second: " + string.Join(' ', Enumerable.Range(0, (int)Duration).Select(i => down.RateMbit(i, i + 1).ToString("0.0"))));
        return new DownloadRun(down, downRate, wan1, wan2, engine1, engine2);
    }

    private async Task<(TransferLog Log, double Rate)> UploadOnceAsync(NamespaceThread lan)
    {
        var up = await BulkClient.UploadAsync(lan, _lab.Server, TimeSpan.FromSeconds(Duration), Ct);
        var upRate = up.RateMbit(WarmUp, Math.Min(Duration, up.Seconds));
        output.WriteLine($"upload: {upRate:0.0} Mbit/s after the warm-up = {upRate / Sum:0.000} of {Sum} Mbit; whole transfer {up.RateMbit(0, up.Seconds):0.0}");
        return (up, upRate);
    }

    // The links' shapers cap a transfer; a stall of the two shared cores can only slow it. So a transfer below the
    // bar gets one more try and the better one is judged: that measures the bond, not a busy moment of the machine.
    private async Task<T> BestOfTwoAsync<T>(Func<Task<T>> measure, Func<T, double> rate, double bar, string what)
    {
        var first = await measure();
        if (rate(first) >= bar)
        {
            return first;
        }
        output.WriteLine($"{what} below {bar:0.0} Mbit/s once: measuring it again");
        var second = await measure();
        return rate(second) > rate(first) ? second : first;
    }

    [Fact]
    public async Task A_download_survives_its_first_link_going_silent_and_the_link_carries_traffic_again_when_it_returns()
    {
        var lan = _lab.Lab.Thread(_lab.Lab.Lan);
        var download = BulkClient.DownloadAsync(lan, BondedLab.BulkEndpoint, TimeSpan.FromSeconds(24), Ct);

        // One session, and a subflow of it on each WAN.
        await _lab.Edge.WaitForBondingAsync(b => b.GetProperty("paths").EnumerateArray().All(p => p.TryGetProperty("subflows", out var n) && n.ValueKind == JsonValueKind.Number && n.GetInt32() >= 1), TimeSpan.FromSeconds(5));
        await Task.Delay(TimeSpan.FromSeconds(4), Ct);
        await _lab.Lab.SetIspSilentAsync(1, true);
        await _lab.Edge.WaitForBondingAsync(b => b.GetProperty("paths").GetArrayLength() == 1, TimeSpan.FromSeconds(5));
        await Task.Delay(TimeSpan.FromSeconds(4), Ct);
        await _lab.Lab.SetIspSilentAsync(1, false);
        var back = DateTime.UtcNow;
        await _lab.Edge.WaitForBondingAsync(b => b.GetProperty("paths").GetArrayLength() == 2, TimeSpan.FromSeconds(10));
        var endpointBack = (DateTime.UtcNow - back).TotalSeconds;

        // Within a few seconds of the endpoint's return, the live session has a subflow on wan1 again.
        await _lab.Edge.WaitForBondingAsync(b => b.GetProperty("paths").EnumerateArray().Any(p => p.GetProperty("wan").GetString() == "wan1" && p.TryGetProperty("subflows", out var n) && n.ValueKind == JsonValueKind.Number && n.GetInt32() >= 1), TimeSpan.FromSeconds(5));
        var before = await _lab.WanRxBytesAsync(1);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        var wan1Mbit = (await _lab.WanRxBytesAsync(1) - before) * 8 / 1e6 / 3;

        var log = await download;
        var stall = log.LongestStallSeconds(1, log.Seconds);
        output.WriteLine($"download {log.Bytes / 1e6:0.0} MB in {log.Seconds:0.0} s, completed={log.Completed}; longest stall {stall * 1000:0} ms; " +
                         $"wan1 back as an endpoint {endpointBack:0.0} s after it returned, then carried {wan1Mbit:0.0} Mbit/s");
        Assert.True(log.Completed, $"the download did not complete: {log.Error}");
        Assert.True(stall < 5, $"longest stall {stall:0.0} s");
        Assert.True(wan1Mbit > 5, $"wan1 carried only {wan1Mbit:0.0} Mbit/s after it returned");
    }

    [Fact]
    public async Task The_hub_forwards_nothing_for_a_wrong_key_an_unknown_edge_or_garbage()
    {
        var inet = _lab.Lab.Thread(_lab.Lab.Inet);
        using var target = new CountingTcpServer(inet, new IPEndPoint(LabAddresses.Server, 8080));
        var hub = new IPEndPoint(LabAddresses.Hub, BondedLab.HubPort);

        foreach (var identity in new[] { new EdgeIdentity(BondedLab.EdgeId, "not-the-right-key-0000", false), new EdgeIdentity("stranger", BondedLab.Key, false) })
        {
            using var socket = inet.Invoke(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            await socket.ConnectAsync(hub, Ct);
            var refused = await Assert.ThrowsAsync<HubRefusedException>(() => EdgeHandshake.ConnectAsync(new NetworkStream(socket), identity, target.Endpoint, Ct));
            Assert.Equal(HubResult.Denied, refused.Result);
        }
        using (var socket = inet.Invoke(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)))
        {
            await socket.ConnectAsync(hub, Ct);
            var garbage = new byte[300];
            Random.Shared.NextBytes(garbage);
            garbage[0] = 0x7f; // never a valid version, so the hub must not answer at all
            await socket.SendAsync(garbage, Ct);
            // The hub says nothing more than its hello and closes.
            var buffer = new byte[1024];
            var total = 0;
            int read;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            limit.CancelAfter(TimeSpan.FromSeconds(10));
            while ((read = await ReceiveOrResetAsync(socket, buffer, limit.Token)) > 0)
            {
                total += read;
            }
            Assert.Equal(20, total);
        }
        await Task.Delay(500, Ct);
        Assert.Equal(0, target.Total);

        // The same path with the right key does reach the target: the zero above is not a broken test.
        using (var socket = inet.Invoke(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)))
        {
            await socket.ConnectAsync(hub, Ct);
            await using var stream = await EdgeHandshake.ConnectAsync(new NetworkStream(socket), new EdgeIdentity(BondedLab.EdgeId, BondedLab.Key, false), target.Endpoint, Ct);
            await stream.WriteAsync(new byte[] { 1 }, Ct);
            socket.Shutdown(SocketShutdown.Send);
            while (await stream.ReadAsync(new byte[16], Ct) > 0)
            {
            }
        }
        Assert.Equal(1, target.Total);
        var bonding = await _lab.Hub.WaitForBondingAsync(b => b.GetProperty("failedSessions").GetInt64() >= 3, TimeSpan.FromSeconds(5));
        Assert.Equal("listening", bonding.GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_hub_holds_an_edge_to_its_session_limit_and_admits_the_next_once_one_ends()
    {
        const string limitedKey = "limited-edge-key-0123456789";
        var registered = await _lab.Hub.Api.PostAsJsonAsync("/api/v1/hub/edges", new { id = "edge-2", key = limitedKey, maxSessions = 2 }, Ct);
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync(Ct));
        var inet = _lab.Lab.Thread(_lab.Lab.Inet);
        using var target = new CountingTcpServer(inet, new IPEndPoint(LabAddresses.Server, 8081));
        var identity = new EdgeIdentity("edge-2", limitedKey, false);
        var hub = new IPEndPoint(LabAddresses.Hub, BondedLab.HubPort);
        var open = new List<Socket>();
        try
        {
            async Task<Socket> SessionAsync()
            {
                var socket = inet.Invoke(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                await socket.ConnectAsync(hub, Ct);
                try
                {
                    await EdgeHandshake.ConnectAsync(new NetworkStream(socket), identity, target.Endpoint, Ct);
                    return socket;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            open.Add(await SessionAsync());
            open.Add(await SessionAsync());
            var busy = await Assert.ThrowsAsync<HubRefusedException>(SessionAsync);
            Assert.Equal(HubResult.Busy, busy.Result);

            open[0].Dispose();
            await _lab.Hub.WaitForBondingAsync(
                b => b.GetProperty("edges").EnumerateArray().Any(e => e.GetProperty("id").GetString() == "edge-2" && e.GetProperty("activeSessions").GetInt32() == 1),
                TimeSpan.FromSeconds(5));
            open.Add(await SessionAsync());
            Assert.Equal(3, target.Total);
        }
        finally
        {
            open.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task Udp_on_bonded_wans_is_balanced_per_session_and_never_dropped()
    {
        using var udp = new CountingUdpServer(_lab.Lab.Thread(_lab.Lab.Inet), new IPEndPoint(LabAddresses.Server, 5353));

        var result = await LanClient.UdpFlowsAsync(_lab.Lab.Thread(_lab.Lab.Lan), udp.Endpoint, 200, TimeSpan.FromSeconds(20));

        Assert.Equal(200, result.Succeeded);
        // Masqueraded to each WAN's address: both bonded WANs carried flows of their own.
        Assert.InRange(udp.CountFrom(_lab.Lab.Wans[0].ApplianceAddress), 50, 150);
        Assert.InRange(udp.CountFrom(_lab.Lab.Wans[1].ApplianceAddress), 50, 150);
    }

    private static async Task<int> ReceiveOrResetAsync(Socket socket, byte[] buffer, CancellationToken ct)
    {
        try
        {
            return await socket.ReceiveAsync(buffer, ct);
        }
        catch (SocketException)
        {
            return 0;
        }
    }
}
