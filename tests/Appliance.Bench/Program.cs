using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Appliance.Bench;
using Appliance.Engine.Kernel;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return args.Contains("--help") || args.Contains("-h") ? 0 : 2;
}
if (Environment.UserName != "root")
{
    Console.Error.WriteLine("error: the benchmarks need root (network namespaces, nftables)");
    return 1;
}

// Ctrl+C, SIGTERM and the time limit all cancel; namespaces are removed on the way out in every case.
using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(options.TimeoutSeconds));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cts.Cancel();
});

var clock = Stopwatch.StartNew();
var log = Console.Out;
var results = new BenchResults
{
    StartedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
    Machine = await ReadMachineFactsAsync(),
};
await log.WriteLineAsync($"machine: nproc {results.Machine.Nproc}, kernel {results.Machine.Kernel}, {results.Machine.Cpu}, {results.Machine.Runtime}, {results.Machine.Nft}, {results.Machine.Iperf3}, load average {results.Machine.LoadAverage}");
await log.WriteLineAsync($"namespaces: prefix {options.Prefix}; limit {options.TimeoutSeconds} s");
var exitCode = 0;
try
{
    if (options.RunApply)
    {
        await log.WriteLineAsync($"1. apply latency: {options.Rules} rules, WANs {string.Join('/', options.WanCounts)}, {options.ColdSamples} cold + {options.Repeats} change + {options.Repeats} no-op applies each");
        results.Apply = await new ApplyLatencyBench(options.Prefix, options.Rules, options.ColdSamples, options.Repeats, log).RunAsync(options.WanCounts, cts.Token);
    }
    if (options.RunThroughput)
    {
        await log.WriteLineAsync($"2. forwarding throughput: iperf3 {options.Seconds} s, streams {string.Join('/', options.Streams)}, {options.Rounds} rounds, plain vs engine with {options.Rules} rules");
        results.Throughput = await new ThroughputBench(options.Prefix, options.Seconds, options.Rounds, options.Rules, options.Streams, log).RunAsync(cts.Token);
    }
    if (options.RunFailover)
    {
        await log.WriteLineAsync($"3. failover: detection + reroute, {options.Trials} trials each for a silent failure and for carrier loss");
        results.Failover = await new FailoverBench(options.Prefix, options.Trials, log).RunAsync(cts.Token);
    }
    if (options.RunBonding)
    {
        await log.WriteLineAsync($"4. bonding: one TCP session over {string.Join(", ", BondingBench.ShapedLinks.Select(l => string.Join('+', l)))} Mbit (iperf3 {options.BondSeconds} s after {options.BondWarmUp} s warm-up), relay vs kernel MPTCP; {options.HandoverTrials} handovers; unshaped relay plain and TLS");
        results.Bonding = await new BondingBench(options.Prefix, options.BondSeconds, options.BondWarmUp, options.HandoverTrials, options.BondShaped, options.BondUnshaped, log).RunAsync(cts.Token);
    }
    if (options.RunLive)
    {
        await log.WriteLineAsync($"5. live status: {options.LiveClients} SignalR clients (WebSockets) at 1 Hz for {options.LiveSeconds} s against the appliance process, engine on 4 WANs");
        var repo = BenchOptions.RepoRoot() ?? throw new InvalidOperationException("run the bench from the repository (Appliance.sln not found above the working directory)");
        results.LiveStatus = await new LiveStatusBench(options.Prefix, repo, options.LiveClients, options.LiveSeconds, log).RunAsync(cts.Token);
    }
    if (options.RunRenewal)
    {
        await log.WriteLineAsync($"6. DHCP renumbering: {options.RenewalTrials} renewals of wan1 with a new address and gateway each");
        results.Renewal = await new RenewalBench(options.Prefix, options.RenewalTrials, log).RunAsync(cts.Token);
    }
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    results.Status = clock.Elapsed >= TimeSpan.FromSeconds(options.TimeoutSeconds) ? $"timed out after {options.TimeoutSeconds} s" : "cancelled";
    exitCode = 130;
}
catch (Exception ex)
{
    results.Status = "failed: " + ex.Message;
    await Console.Error.WriteLineAsync(ex.ToString());
    exitCode = 1;
}
results.DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
results.LoadAverageAtEnd = LoadAverage();

Directory.CreateDirectory(options.OutputDirectory);
var jsonPath = Path.Combine(options.OutputDirectory, "bench.json");
var textPath = Path.Combine(options.OutputDirectory, "bench.txt");
var text = Report.Render(results);
await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(results, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
await File.WriteAllTextAsync(textPath, text);
await log.WriteLineAsync();
await log.WriteAsync(text);
await log.WriteLineAsync($"written: {jsonPath}, {textPath}");
return exitCode;

static async Task<MachineFacts> ReadMachineFactsAsync()
{
    var host = new ProcessCommandRunner();
    async Task<string> Run(string program, params string[] arguments)
    {
        try
        {
            var result = await host.RunAsync(program, arguments);
            return result.Succeeded ? result.Stdout.Split('\n')[0].Trim() : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }
    var cpu = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";
    var nproc = int.TryParse(await Run("nproc"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : Environment.ProcessorCount;
    return new MachineFacts(nproc, await Run("uname", "-r"), cpu, RuntimeInformation.FrameworkDescription, await Run("nft", "--version"), await Run("iperf3", "--version"), LoadAverage());
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
