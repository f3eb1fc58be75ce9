using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Appliance.Engine.Configuration;
using Appliance.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Appliance.Bench;

/// <summary>
/// The live status hub under many viewers: the real appliance process (engine on four lab WANs) and
/// <c>clients</c> SignalR clients over WebSockets receiving its snapshot a second. Delivery latency is the
/// client's receive time minus the snapshot's own timestamp (same host, same clock); server CPU is read
/// from /proc for the appliance's PID, idle first, then with the clients connected.
/// </summary>
public sealed class LiveStatusBench(string prefix, string repoRoot, int clients, int seconds, TextWriter log)
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    public async Task<LiveStatusResults> RunAsync(CancellationToken ct)
    {
        await using var lab = await NetnsLab.CreateAsync([new LabWan(1), new LabWan(2), new LabWan(3), new LabWan(4)], prefix: prefix + "s", ct: ct);
        var data = Directory.CreateTempSubdirectory("appliance-bench-");
        try
        {
            await using var started = await RunningAppliance.StartAsync(repoRoot, lab.Appliance, data.FullName, "bench", ct);
            var (appliance, api, url, token) = (started.Process, started.Api, started.Url, started.Token);
            var revision = await api.ImportAndApplyAsync(Config(lab), "live status bench", ct);
            var running = await api.WaitRunningAsync(revision, TimeSpan.FromSeconds(30), ct);
            if (!running.Running)
            {
                throw new LabException($"the engine did not run revision {revision}: {running.Message}");
            }

            // Start-up (JIT, migrations, the first apply and probe rounds) would count as load: let it settle first.
            await Task.Delay(Settle, ct);
            var idle = await CpuPercentAsync(appliance.Pid, TimeSpan.FromSeconds(10), ct);
            await log.WriteLineAsync($"   idle: server CPU {idle:0.0} % of one core");
            var receiver = new SnapshotReceiver();
            var connections = new List<HubConnection>();
            try
            {
                var connect = Stopwatch.StartNew();
                for (var i = 0; i < clients; i++)
                {
                    connections.Add(await ConnectAsync(url, token, receiver, ct));
                }
                await log.WriteLineAsync($"   {clients} clients connected in {connect.Elapsed.TotalSeconds:0.0} s");
                await Task.Delay(WarmUp, ct);
                receiver.Reset();
                var busy = await CpuPercentAsync(appliance.Pid, TimeSpan.FromSeconds(seconds), ct);
                var window = receiver.Take();
                var latencies = window.Latencies;
                if (latencies.Count == 0)
                {
                    throw new LabException("no snapshot reached any client");
                }
                var result = new LiveStatusResults(
                    clients, seconds, latencies.Count, clients * seconds, window.PayloadBytes / latencies.Count,
                    Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Max(), Math.Round(idle, 1), Math.Round(busy, 1),
                    connections.Count(c => c.State == HubConnectionState.Connected));
                await log.WriteLineAsync(FormattableString.Invariant(
                    $"   {result.Delivered}/{result.Expected} snapshots, latency p50 {result.P50Ms:0.0} ms, p99 {result.P99Ms:0.0} ms, max {result.MaxMs:0.0} ms; server CPU {busy:0.0} %"));
                return result;
            }
            finally
            {
                foreach (var connection in connections)
                {
                    await connection.DisposeAsync();
                }
            }
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static async Task<HubConnection> ConnectAsync(string url, string token, SnapshotReceiver receiver, CancellationToken ct)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(url + "/hubs/status", o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        connection.On<JsonElement>("Snapshot", receiver.Receive);
        await connection.StartAsync(ct);
        return connection;
    }

    /// <summary>Share of one core the process used over <paramref name="window"/>, from utime+stime in /proc/PID/stat.</summary>
    private static async Task<double> CpuPercentAsync(int pid, TimeSpan window, CancellationToken ct)
    {
        var before = CpuTicks(pid);
        var clock = Stopwatch.StartNew();
        await Task.Delay(window, ct);
        var used = CpuTicks(pid) - before;
        return used / TicksPerSecond * 100 / clock.Elapsed.TotalSeconds;
    }

    // USER_HZ is 100 on every Linux the appliance runs on.
    private const double TicksPerSecond = 100;

    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may hold spaces) start after the last ')'; utime and stime are fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 2);
    }

    private static ApplianceConfig Config(NetnsLab lab) => new()
    {
        Wans = lab.Wans.Select(w => new WanLink
        {
            Name = $"wan{w.Index}",
            Interface = w.Interface,
            Gateway = w.Gateway.ToString(),
            Probes = new ProbeSettings { Targets = [LabAddresses.Server.ToString()] },
        }).ToList(),
        Settings = new ApplianceSettings { Lan = new LanSettings { Interfaces = ["lan0"], Addresses = [LabAddresses.ApplianceLan + "/24"] } },
    };

    /// <summary>Collects every client's delivery latency; the hub's callbacks run on many threads.</summary>
    private sealed class SnapshotReceiver
    {
        private readonly Lock _lock = new();
        private List<double> _latencies = [];
        private long _bytes;

        public void Receive(JsonElement snapshot)
        {
            var now = DateTimeOffset.UtcNow;
            if (!snapshot.TryGetProperty("at", out var at) || at.ValueKind != JsonValueKind.String)
            {
                return;
            }
            var latency = (now - at.GetDateTimeOffset()).TotalMilliseconds;
            var size = snapshot.GetRawText().Length;
            lock (_lock)
            {
                _latencies.Add(latency);
                _bytes += size;
            }
        }

        public void Reset()
        {
            lock (_lock)
            {
                (_latencies, _bytes) = ([], 0);
            }
        }

        public (List<double> Latencies, long PayloadBytes) Take()
        {
            lock (_lock)
            {
                var taken = (_latencies, _bytes);
                (_latencies, _bytes) = ([], 0);
                return taken;
            }
        }
    }
}
