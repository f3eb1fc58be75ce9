using System.Diagnostics;
using System.Net;
using Appliance.Engine.Configuration;
using Appliance.Engine.Status;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests.Bonding;

/// <summary>
/// An office's worth of bonded sessions: 5,000 concurrent long-lived sessions from one LAN through a real edge and hub
/// (the old per-edge default of 1,024 refused the rest), with the relays' buffer memory held under a small cap.
/// </summary>
/// <remarks>
/// The edge and the hub run as their own processes (the built appliance, as on a box): every session costs each of
/// them two descriptors, the client and the server here two more, and no process may open more than 20,000 files.
/// </remarks>
public sealed class BondedScaleTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Sessions = 5000;
    private const long BufferCap = 8L * 1024 * 1024;
    private static readonly IPEndPoint Echo = new(LabAddresses.Server, 7001);
    private readonly List<DirectoryInfo> _data = [];
    private NetnsLab _lab = null!;
    private RunningAppliance? _hub;
    private RunningAppliance? _edge;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var repo = RunningAppliance.FindRepoRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("no repository above the test binaries");
        var settings = new Dictionary<string, string> { ["Appliance:Engine:Bonding:BufferBudgetBytes"] = BufferCap.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        _lab = await NetnsLab.CreateAsync([new LabWan(1), new LabWan(2)]);
        _hub = await RunningAppliance.StartAsync(repo, _lab.Hub, NewData(), "hub", Ct, settings);
        await _hub.Api.ImportAndApplyAsync(new ApplianceConfig
        {
            Settings = new ApplianceSettings
            {
                Role = ApplianceRole.Hub,
                Listen = new HubListenSettings { Address = LabAddresses.Hub.ToString(), Port = BondedLab.HubPort },
            },
        }, "scale test: hub", Ct);
        await _hub.Api.EnsureHubEdgeAsync(BondedLab.EdgeId, BondedLab.Key, Ct);
        await _hub.Api.WaitForStatusAsync(s => s.Bonding?.State == "listening", TimeSpan.FromSeconds(30), Ct);

        _edge = await RunningAppliance.StartAsync(repo, _lab.Appliance, NewData(), "edge", Ct, settings);
        await _edge.Api.ImportAndApplyAsync(new ApplianceConfig
        {
            Wans = [.. BondedLab.EdgeWans(_lab, WanMode.Bond)],
            Settings = BondedLab.EdgeSettings(encrypt: false),
        }, "scale test: edge", Ct);
        await _edge.Api.WaitForStatusAsync(s => s.Bonding?.Paths.Count == _lab.Wans.Count, TimeSpan.FromSeconds(30), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_edge is not null)
        {
            await _edge.DisposeAsync();
        }
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }
        await _lab.DisposeAsync();
        _data.ForEach(d => d.Delete(recursive: true));
    }

    [Fact]
    public async Task Five_thousand_concurrent_bonded_sessions_all_open_and_the_relays_buffer_memory_stays_within_its_cap()
    {
        var hubProcess = Process.GetProcessById(_hub!.Process.Pid);
        var edgeProcess = Process.GetProcessById(_edge!.Process.Pid);
        var (hubBefore, edgeBefore) = (WorkingSet(hubProcess), WorkingSet(edgeProcess));
        using var echo = new EchoServer(_lab.Thread(_lab.Inet), Echo);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromMinutes(4));
        // The hub holds a source to 8 handshakes at a time until an edge proved its key from it: one session first.
        (await EchoSessions.OpenAsync(_lab.Thread(_lab.Lan), Echo, TimeSpan.FromSeconds(10), limit.Token)).Dispose();
        await _hub.Api.WaitForStatusAsync(s => s.Bonding?.ActiveSessions == 0, TimeSpan.FromSeconds(10), limit.Token);
        echo.Reset();
        var clock = Stopwatch.StartNew();
        var sockets = await EchoSessions.OpenManyAsync(_lab.Thread(_lab.Lan), Echo, Sessions, 200, TimeSpan.FromSeconds(60), limit.Token);
        try
        {
            var opened = clock.Elapsed;
            var hub = await _hub.Api.WaitForStatusAsync(s => s.Bonding?.ActiveSessions == Sessions, TimeSpan.FromSeconds(30), limit.Token);
            var edge = await _edge.Api.WaitForStatusAsync(s => s.Bonding?.ActiveSessions == Sessions, TimeSpan.FromSeconds(30), limit.Token);
            var (hubOpen, edgeOpen) = (WorkingSet(hubProcess), WorkingSet(edgeProcess));

            // Every one of them still answers, all open at once; and every one went over the bond, none balanced.
            await Parallel.ForEachAsync(sockets, new ParallelOptions { MaxDegreeOfParallelism = 200, CancellationToken = limit.Token },
                async (socket, token) => await EchoSessions.ExchangeAsync(socket, 2, token));
            var hubAfter = (await _hub.Api.GetStatusAsync(limit.Token)).Bonding!;
            var edgeAfter = (await _edge.Api.GetStatusAsync(limit.Token)).Bonding!;

            output.WriteLine($"{Sessions} sessions opened in {opened.TotalSeconds:0.0} s (200 at a time)");
            output.WriteLine($"working set with them open: edge {edgeBefore / 1048576} → {edgeOpen / 1048576} MiB ({(edgeOpen - edgeBefore) / 1024.0 / Sessions:0.0} KiB a session), " +
                             $"hub {hubBefore / 1048576} → {hubOpen / 1048576} MiB ({(hubOpen - hubBefore) / 1024.0 / Sessions:0.0} KiB a session)");
            output.WriteLine($"relay buffers held while all sat idle: edge {edge.Bonding!.BufferBytes} B, hub {hub.Bonding!.BufferBytes} B; " +
                             $"peak after every session echoed: edge {edgeAfter.BufferPeakBytes / 1024} KiB, hub {hubAfter.BufferPeakBytes / 1024} KiB, cap {BufferCap / 1024} KiB each");
            Assert.Equal(Sessions, echo.CountFrom(IPAddress.Parse(LabAddresses.HubUplink)));
            Assert.Equal(0, edgeAfter.FallbackSessions);
            Assert.Equal(Sessions, Assert.Single(hubAfter.Edges).ActiveSessions);
            Assert.Equal(BufferCap, hubAfter.BufferLimitBytes);
            Assert.Equal(BufferCap, edgeAfter.BufferLimitBytes);
            Assert.InRange(edgeAfter.BufferPeakBytes!.Value, 1, BufferCap);
            Assert.InRange(hubAfter.BufferPeakBytes!.Value, 1, BufferCap);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
        await _hub.Api.WaitForStatusAsync(s => s.Bonding?.ActiveSessions == 0, TimeSpan.FromSeconds(60), Ct);
        await _edge.Api.WaitForStatusAsync(s => s.Bonding?.ActiveSessions == 0, TimeSpan.FromSeconds(60), Ct);
    }

    private string NewData()
    {
        var directory = Directory.CreateTempSubdirectory("appliance-scale-");
        _data.Add(directory);
        return directory.FullName;
    }

    private static long WorkingSet(Process process)
    {
        process.Refresh();
        return process.WorkingSet64;
    }
}
