using System.Collections.Concurrent;
using Appliance.Engine.Status;

namespace Appliance.Engine.Bonding;

/// <summary>Live counters of the bonding relay (edge or hub), read by the status endpoint.</summary>
public sealed class BondingMonitor
{
    private readonly ConcurrentDictionary<string, int> _perEdge = new(StringComparer.Ordinal);
    private int _active;
    private long _total;
    private long _failed;
    private volatile string _state = "idle";
    private volatile string? _peer;
    private volatile string? _lastError;
    private volatile string _role = "none";

    /// <summary>Bytes relayed so far, updated while sessions run.</summary>
    public RelayCounters Counters { get; } = new();

    public void SetState(string role, string state, string? peer)
    {
        _role = role;
        _state = state;
        _peer = peer;
    }

    public void Opened()
    {
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref _total);
    }

    public void Closed() => Interlocked.Decrement(ref _active);

    /// <summary>A session could not be set up; the message says why, without secrets.</summary>
    public void Failed(string error)
    {
        Interlocked.Increment(ref _failed);
        _lastError = error;
    }

    /// <summary>Hub: counts a session against the edge's limit; false when the edge is at its limit.</summary>
    public bool TryAdmit(string edgeId, int limit)
    {
        while (true)
        {
            var current = _perEdge.GetOrAdd(edgeId, 0);
            if (current >= limit)
            {
                return false;
            }
            if (_perEdge.TryUpdate(edgeId, current + 1, current))
            {
                return true;
            }
        }
    }

    public void Release(string edgeId) => _perEdge.AddOrUpdate(edgeId, 0, (_, n) => Math.Max(0, n - 1));

    public BondingStatus? Snapshot(IReadOnlyList<BondPathStatus> paths) => _role == "none"
        ? null
        : new BondingStatus(
            _role, _state, _peer, Volatile.Read(ref _active), Interlocked.Read(ref _total), Interlocked.Read(ref _failed),
            Interlocked.Read(ref Counters.Up), Interlocked.Read(ref Counters.Down), _lastError, paths,
            _perEdge.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new HubEdgeStatus(kv.Key, kv.Value)).ToList());
}
