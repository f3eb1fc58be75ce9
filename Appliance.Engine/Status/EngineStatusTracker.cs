using Appliance.Engine.Bonding;
using Appliance.Engine.Health;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Status;

/// <summary>Keeps the engine's status as the reconciler and the counters report it.</summary>
public sealed class EngineStatusTracker(TimeProvider time, ILinkHealthSource? health = null, BondingMonitor? bonding = null) : IEngineStatusSource
{
    private volatile EngineStatus _current = EngineStatus.NotRunning("engine starting");
    // Each writer owns one field and Current joins them, so a sampler never overwrites a newer apply (or the reverse).
    private volatile IReadOnlyDictionary<string, WanCounters> _rates = new Dictionary<string, WanCounters>();
    private volatile IReadOnlyList<BondPathStatus> _paths = [];
    private volatile IReadOnlyDictionary<string, int>? _subflows;

    /// <summary>The last applied plan, with each WAN's live state, reason and probe figures, and the bonding relay's.</summary>
    public EngineStatus Current
    {
        get
        {
            var status = _current;
            status = status with { Wans = status.Wans.Select(WithCounters).ToList() };
            status = health is null ? status : WithLiveHealth(status, health);
            if (bonding is null)
            {
                return status;
            }
            var subflows = _subflows;
            var paths = subflows is null ? _paths : _paths.Select(p => p with { Subflows = subflows.GetValueOrDefault(p.Address) }).ToList();
            return status with { Bonding = bonding.Snapshot(paths) };
        }
    }

    public void NotRunning(string message) => _current = EngineStatus.NotRunning(message);

    public void Applied(DesiredState state, IReadOnlyDictionary<string, LinkHealth> health)
    {
        _paths = state.Bonding?.Paths.Select(p => new BondPathStatus(p.Wan, p.Address, p.Backup)).ToList() ?? [];
        _current = new EngineStatus(true, "running", state.RevisionId, time.GetUtcNow(), Wans(state, health), state.Warnings);
    }

    /// <summary>Latest subflow counts per WAN address (edge with bonding), from the telemetry sampler.</summary>
    public void UpdateSubflows(IReadOnlyDictionary<string, int> byAddress) => _subflows = byAddress;

    public void Failed(long revisionId, string error) =>
        _current = _current with { Message = $"revision {revisionId} could not be applied: {error}" };

    /// <summary>Latest per-WAN rates and session counts from the kernel counters.</summary>
    public void UpdateCounters(IReadOnlyDictionary<string, WanCounters> rates) => _rates = rates;

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

    private List<WanStatus> Wans(DesiredState state, IReadOnlyDictionary<string, LinkHealth> health) =>
        state.Wans.Select(w =>
        {
            var link = health.GetValueOrDefault(w.Name) ?? LinkHealth.Unknown;
            return new WanStatus(w.Name, w.Interface, link.State.ToString().ToLowerInvariant(), w.Usable, w.Reason, null, null, null, null, null, null);
        }).ToList();

    private WanStatus WithCounters(WanStatus wan) =>
        _rates.TryGetValue(wan.Name, out var c)
            ? wan with { RxBitsPerSecond = c.RxBitsPerSecond, TxBitsPerSecond = c.TxBitsPerSecond, NewSessions = c.NewSessions }
            : wan;
}

/// <summary>Rates and totals derived from one WAN's nftables counters.</summary>
public sealed record WanCounters(long RxBitsPerSecond, long TxBitsPerSecond, long NewSessions);
