using Appliance.Engine.Bonding;
using Appliance.Engine.Health;
using Appliance.Engine.Planning;
using Appliance.Engine.Supervision;
using Appliance.Engine.Telemetry;

namespace Appliance.Engine.Status;

/// <summary>Keeps the engine's status as the reconciler and the counters report it.</summary>
public sealed class EngineStatusTracker(
    TimeProvider time, ILinkHealthSource? health = null, BondingMonitor? bonding = null, LoopMonitor? loops = null) : IEngineStatusSource
{
    private volatile EngineStatus _current = EngineStatus.NotRunning("engine starting");
    // Each writer owns one field and Current joins them, so a sampler never overwrites a newer apply (or the reverse).
    private volatile IReadOnlyDictionary<string, WanCounters> _rates = new Dictionary<string, WanCounters>();
    private volatile IReadOnlyList<BondPathStatus> _paths = [];
    private volatile IReadOnlyDictionary<string, uint> _marks = new Dictionary<string, uint>();
    private volatile IReadOnlyDictionary<string, PathTraffic>? _subflows;
    private volatile IReadOnlyDictionary<uint, long>? _sessions;
    private volatile BondingRate? _bondingRate;
    private volatile ApplyStats _applies = ApplyStats.None;
    private readonly Lock _appliesLock = new();

    /// <summary>The last applied plan, with each WAN's live state, reason and probe figures, and the bonding relay's.</summary>
    public EngineStatus Current
    {
        get
        {
            var status = _current;
            var subflows = _subflows;
            var paths = _paths;
            status = status with { Wans = status.Wans.Select(w => WithSamples(w, paths, subflows)).ToList(), Applies = _applies, Loops = loops?.Snapshot() ?? [] };
            status = health is null ? status : WithLiveHealth(status, health);
            if (bonding is null)
            {
                return status;
            }
            var withTraffic = subflows is null ? paths : paths.Select(p => WithTraffic(p, subflows)).ToList();
            var snapshot = bonding.Snapshot(withTraffic);
            var rate = _bondingRate;
            return status with
            {
                Bonding = snapshot is null || rate is null ? snapshot : snapshot with { GoodputBitsPerSecond = rate.GoodputBitsPerSecond, Efficiency = rate.Efficiency },
            };
        }
    }

    public void NotRunning(string message) => _current = EngineStatus.NotRunning(message);

    public void Applied(DesiredState state, IReadOnlyDictionary<string, LinkHealth> health)
    {
        _paths = state.Bonding?.Paths.Select(p => new BondPathStatus(p.Wan, p.Address, p.Backup)).ToList() ?? [];
        _marks = state.Wans.ToDictionary(w => w.Name, w => w.Mark, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        _current = new EngineStatus(true, "running", state.RevisionId, now, Wans(state, health), state.Warnings);
        Count(a => a with { Succeeded = a.Succeeded + 1, LastSucceeded = now });
    }

    /// <summary>Latest subflows and their bytes per WAN address (edge with bonding), from the telemetry sampler.</summary>
    public void UpdateSubflows(IReadOnlyDictionary<string, PathTraffic> byAddress) => _subflows = byAddress;

    /// <summary>Latest conntrack entry counts per connection mark (the appliance's bits only).</summary>
    public void UpdateSessions(IReadOnlyDictionary<uint, long> byMark) => _sessions = byMark;

    /// <summary>Latest relayed payload rate and efficiency of the bonding relay.</summary>
    public void UpdateBonding(long goodputBitsPerSecond, double? efficiency) => _bondingRate = new BondingRate(goodputBitsPerSecond, efficiency);

    /// <param name="counted">Whether this counts as one more failed apply (false when only the explanation changes).</param>
    public void Failed(long revisionId, string error, bool counted = true)
    {
        _current = _current with { Message = $"revision {revisionId} could not be applied: {error}" };
        if (counted)
        {
            var now = time.GetUtcNow();
            Count(a => a with { Failed = a.Failed + 1, LastFailed = now });
        }
    }

    /// <summary>Latest per-WAN rates and session counts from the kernel counters.</summary>
    public void UpdateCounters(IReadOnlyDictionary<string, WanCounters> rates) => _rates = rates;

    private void Count(Func<ApplyStats, ApplyStats> change)
    {
        lock (_appliesLock)
        {
            _applies = change(_applies);
        }
    }

    private static EngineStatus WithLiveHealth(EngineStatus status, ILinkHealthSource source)
    {
        var links = source.Current;
        var metrics = source.Metrics;
        return status with
        {
            Wans = status.Wans.Select(w =>
            {
                var m = metrics.GetValueOrDefault(w.Name) ?? LinkMetrics.None;
                var link = links.GetValueOrDefault(w.Name);
                return w with
                {
                    State = link?.State.ToString().ToLowerInvariant() ?? w.State,
                    Reason = link?.Reason ?? w.Reason,
                    RttMs = Round(m.RttMs),
                    JitterMs = Round(m.JitterMs),
                    LossPercent = Round(m.LossPercent),
                };
            }).ToList(),
        };
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 1) : null;

    private static List<WanStatus> Wans(DesiredState state, IReadOnlyDictionary<string, LinkHealth> health) =>
        state.Wans.Select(w =>
        {
            var link = health.GetValueOrDefault(w.Name) ?? LinkHealth.Unknown;
            return new WanStatus(w.Name, w.Interface, link.State.ToString().ToLowerInvariant(), w.Usable, w.Reason, null, null, null, null, null, null);
        }).ToList();

    private WanStatus WithSamples(WanStatus wan, IReadOnlyList<BondPathStatus> paths, IReadOnlyDictionary<string, PathTraffic>? subflows)
    {
        if (_rates.TryGetValue(wan.Name, out var c))
        {
            wan = wan with { RxBitsPerSecond = c.RxBitsPerSecond, TxBitsPerSecond = c.TxBitsPerSecond, NewSessions = c.NewSessions, RxBytes = c.RxBytes, TxBytes = c.TxBytes };
        }
        if (_sessions is { } sessions && _marks.TryGetValue(wan.Name, out var mark))
        {
            wan = wan with { Sessions = sessions.GetValueOrDefault(mark) };
        }
        // Only a WAN that is a bonding path now has subflows to count; the others stay null, not zero.
        if (subflows is not null && paths.Any(p => p.Wan == wan.Name))
        {
            wan = wan with { Subflows = paths.Where(p => p.Wan == wan.Name).Sum(p => subflows.GetValueOrDefault(p.Address)?.Subflows ?? 0) };
        }
        return wan;
    }

    private static BondPathStatus WithTraffic(BondPathStatus path, IReadOnlyDictionary<string, PathTraffic> subflows)
    {
        var traffic = subflows.GetValueOrDefault(path.Address);
        return path with { Subflows = traffic?.Subflows ?? 0, BytesSent = traffic?.BytesSent ?? 0, BytesReceived = traffic?.BytesReceived ?? 0 };
    }

    private sealed record BondingRate(long GoodputBitsPerSecond, double? Efficiency);
}

/// <summary>Rates and totals derived from one WAN's nftables counters.</summary>
public sealed record WanCounters(long RxBitsPerSecond, long TxBitsPerSecond, long NewSessions, long? RxBytes = null, long? TxBytes = null);
