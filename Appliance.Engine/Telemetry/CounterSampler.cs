using System.Net;
using System.Text.Json;
using Appliance.Engine.Bonding;
using Appliance.Engine.Kernel;
using Appliance.Engine.Kernel.Counters;
using Appliance.Engine.Planning;
using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Engine.Telemetry;

/// <summary>
/// Once a second, turns the ruleset's per-WAN counters into bit rates, counts sessions per WAN in conntrack,
/// and on a bonding appliance reads the subflows to the hub and the relay's goodput.
/// </summary>
public sealed partial class CounterSampler(
    IKernelCounterReader kernel, EngineStatusTracker status, BondingPlanFeed bonding, TimeProvider time, LoopSupervisor supervisor, ILogger<CounterSampler> logger)
    : BackgroundService
{
    /// <summary>The loop's name in the status and the logs.</summary>
    public const string LoopName = "telemetry";

    private Dictionary<string, long> _lastBytes = [];
    private long _lastTimestamp;
    private IReadOnlyDictionary<string, WanCounters> _rates = new Dictionary<string, WanCounters>();
    private long? _lastRelayed;
    private long _lastRelayedTimestamp;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        supervisor.RunAsync(LoopName, SampleLoopAsync, stoppingToken);

    private async Task SampleLoopAsync(LoopHandle loop, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            loop.Busy();
            await SampleAsync(stoppingToken);
            loop.Done();
        }
    }

    /// <summary>One reading of everything; the timer calls it once a second (tests call it on their own clock).</summary>
    internal async Task SampleAsync(CancellationToken ct)
    {
        if (!status.Current.Running)
        {
            return;
        }
        // Each reading stands alone: a missing conntrack module must not stop the rates, nor the reverse.
        var rates = await TryAsync(SampleCountersAsync, ct) ? _rates : null;
        await TryAsync(SampleSessionsAsync, ct);
        await TryAsync(SampleSubflowsAsync, ct);
        SampleGoodput(rates);
    }

    private async Task<bool> TryAsync(Func<CancellationToken, Task> sample, CancellationToken ct)
    {
        try
        {
            await sample(ct);
            return true;
        }
        catch (Exception ex) when (ex is KernelCommandException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Expected where a tool or module is missing: quiet, and the next second tries again.
            LogSampleFailed(logger, ex);
            return false;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // A command that timed out or could not start: worth a warning, and still no reason to stop sampling.
            LogSampleError(logger, ex);
            return false;
        }
    }

    private async Task SampleCountersAsync(CancellationToken ct)
    {
        var counters = await kernel.ReadCountersAsync(ct);
        var now = time.GetTimestamp();
        var seconds = _lastTimestamp == 0 ? 0 : time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        var rates = new Dictionary<string, WanCounters>(StringComparer.Ordinal);
        foreach (var wan in status.Current.Wans)
        {
            var rx = RulesetRenderer.CounterName(wan.Name, "rx");
            var tx = RulesetRenderer.CounterName(wan.Name, "tx");
            rates[wan.Name] = new WanCounters(
                Rate(counters, rx, seconds),
                Rate(counters, tx, seconds),
                counters.GetValueOrDefault(RulesetRenderer.CounterName(wan.Name, "new")).Packets,
                counters.TryGetValue(rx, out var rxTotal) ? rxTotal.Bytes : null,
                counters.TryGetValue(tx, out var txTotal) ? txTotal.Bytes : null);
        }
        _lastBytes = counters.ToDictionary(kv => kv.Key, kv => kv.Value.Bytes);
        _lastTimestamp = now;
        _rates = rates;
        status.UpdateCounters(rates);
    }

    /// <summary>Sessions per WAN now: one conntrack listing a second, counted by mark.</summary>
    private async Task SampleSessionsAsync(CancellationToken ct)
    {
        status.UpdateSessions(await kernel.ReadSessionsByMarkAsync(ct));
    }

    /// <summary>Edge with bonding: the subflows to the hub per bonded WAN and their bytes (one process a second, only then).</summary>
    private async Task SampleSubflowsAsync(CancellationToken ct)
    {
        if (bonding.Current is not { Paths.Count: > 0 } plan || !IPAddress.TryParse(plan.Hub.Address, out var hub))
        {
            return;
        }
        status.UpdateSubflows(await kernel.ReadSubflowsAsync(hub, plan.Hub.Port, ct));
    }

    /// <summary>The relay's payload rate, and how it compares with the busiest bonded link (edge: the links just sampled).</summary>
    private void SampleGoodput(IReadOnlyDictionary<string, WanCounters>? rates)
    {
        if (status.Current.Bonding is not { } relay)
        {
            _lastRelayed = null;
            return;
        }
        var now = time.GetTimestamp();
        var relayed = relay.BytesUp + relay.BytesDown;
        if (_lastRelayed is { } before)
        {
            var goodput = BondingRates.Goodput(before, relayed, time.GetElapsedTime(_lastRelayedTimestamp, now).TotalSeconds);
            var links = (bonding.Current?.Paths ?? []).Select(p => rates?.GetValueOrDefault(p.Wan) is { } r ? r.RxBitsPerSecond + r.TxBitsPerSecond : 0);
            status.UpdateBonding(goodput, BondingRates.Efficiency(goodput, links));
        }
        _lastRelayed = relayed;
        _lastRelayedTimestamp = now;
    }

    // A counter that went backwards was recreated by a reload; its new value is the traffic since then.
    private long Rate(IReadOnlyDictionary<string, NftCounter> counters, string name, double seconds)
    {
        if (seconds <= 0 || !counters.TryGetValue(name, out var now))
        {
            return 0;
        }
        var before = _lastBytes.GetValueOrDefault(name);
        var delta = now.Bytes >= before ? now.Bytes - before : now.Bytes;
        return (long)(delta * 8 / seconds);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading kernel telemetry failed")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading kernel telemetry failed; trying again in a second")]
    private static partial void LogSampleError(ILogger logger, Exception exception);
}
