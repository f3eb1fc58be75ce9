using System.Net;
using System.Text.Json;
using Appliance.Engine.Bonding;
using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;
using Appliance.Engine.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Engine.Telemetry;

/// <summary>Once a second, turns the ruleset's per-WAN counters into bit rates and session counts.</summary>
public sealed partial class CounterSampler(
    ICommandRunner runner, EngineStatusTracker status, BondingPlanFeed bonding, TimeProvider time, ILogger<CounterSampler> logger) : BackgroundService
{
    private Dictionary<string, long> _lastBytes = [];
    private long _lastTimestamp;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!status.Current.Running)
            {
                continue;
            }
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is KernelCommandException or JsonException)
            {
                LogSampleFailed(logger, ex);
            }
        }
    }

    private async Task SampleAsync(CancellationToken ct)
    {
        var json = await runner.RunCheckedAsync("nft", ["-j", "list", "counters", "table", KernelIds.TableFamily, KernelIds.TableName], null, ct);
        var counters = ParseCounters(json);
        var now = time.GetTimestamp();
        var seconds = _lastTimestamp == 0 ? 0 : time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        var rates = new Dictionary<string, WanCounters>(StringComparer.Ordinal);
        foreach (var wan in status.Current.Wans)
        {
            rates[wan.Name] = new WanCounters(
                Rate(counters, RulesetRenderer.CounterName(wan.Name, "rx"), seconds),
                Rate(counters, RulesetRenderer.CounterName(wan.Name, "tx"), seconds),
                counters.GetValueOrDefault(RulesetRenderer.CounterName(wan.Name, "new")).Packets);
        }
        _lastBytes = counters.ToDictionary(kv => kv.Key, kv => kv.Value.Bytes);
        _lastTimestamp = now;
        status.UpdateCounters(rates);
        await SampleSubflowsAsync(ct);
    }

    /// <summary>Edge with bonding: how many subflows to the hub each bonded WAN carries (one process a second, only then).</summary>
    private async Task SampleSubflowsAsync(CancellationToken ct)
    {
        if (bonding.Current is not { Paths.Count: > 0 } plan || !IPAddress.TryParse(plan.Hub.Address, out var hub))
        {
            return;
        }
        var listing = await runner.RunCheckedAsync("ss", SubflowCount.SsArguments(hub, plan.Hub.Port), null, ct);
        status.UpdateSubflows(SubflowCount.Parse(listing));
    }

    // A counter that went backwards was recreated by a reload; its new value is the traffic since then.
    private long Rate(Dictionary<string, (long Packets, long Bytes)> counters, string name, double seconds)
    {
        if (seconds <= 0 || !counters.TryGetValue(name, out var now))
        {
            return 0;
        }
        var before = _lastBytes.GetValueOrDefault(name);
        var delta = now.Bytes >= before ? now.Bytes - before : now.Bytes;
        return (long)(delta * 8 / seconds);
    }

    internal static Dictionary<string, (long Packets, long Bytes)> ParseCounters(string json)
    {
        var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(json);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("counter", out var counter))
            {
                result[counter.GetProperty("name").GetString()!] = (counter.GetProperty("packets").GetInt64(), counter.GetProperty("bytes").GetInt64());
            }
        }
        return result;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading nftables counters failed")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
