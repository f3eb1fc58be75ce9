using System.Collections.Concurrent;
using Appliance.Engine.Status;

namespace Appliance.Engine.Bonding;

/// <summary>Live counters of the bonding relay (edge or hub), read by the status endpoint.</summary>
public sealed class BondingMonitor
{
    private readonly ConcurrentDictionary<string, EdgeCounts> _perEdge = new(StringComparer.Ordinal);
    private int _active;
    private int _activeFallback;
    private long _total;
    private long _failed;
    private long _fallback;
    private long _shed;
    private volatile string _state = "idle";
    private volatile string? _peer;
    private volatile string? _lastError;
    private volatile string _role = "none";
    private volatile RelayBufferBudget? _buffers;

    /// <summary>Bytes relayed so far, updated while sessions run.</summary>
    public RelayCounters Counters { get; } = new();

    public void SetState(string role, string state, string? peer)
    {
        _role = role;
        _state = state;
        _peer = peer;
    }

    /// <summary>The budget whose use the status reports.</summary>
    public void Watch(RelayBufferBudget buffers) => _buffers = buffers;

    public void Opened()
    {
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref _total);
    }

    public void Closed() => Interlocked.Decrement(ref _active);

    /// <summary>Edge: a session the bond could not take is balanced over a WAN instead.</summary>
    public void FallbackOpened()
    {
        Interlocked.Increment(ref _fallback);
        Interlocked.Increment(ref _activeFallback);
    }

    public void FallbackClosed() => Interlocked.Decrement(ref _activeFallback);

    /// <summary>A session could not be set up; the message says why, without secrets.</summary>
    public void Failed(string error)
    {
        Interlocked.Increment(ref _failed);
        _lastError = error;
    }

    /// <summary>Hub: a connection closed at once because the hub or its source had too many handshakes in progress.</summary>
    public void Shed() => Interlocked.Increment(ref _shed);

    /// <summary>Hub: the edge asked for a destination the policy refuses.</summary>
    public void Refused(string edgeId) => Interlocked.Increment(ref Counts(edgeId).Refused);

    /// <summary>Hub: counts a session against the edge's limit; false when the edge is at its limit.</summary>
    public bool TryAdmit(string edgeId, int limit)
    {
        var counts = Counts(edgeId);
        while (true)
        {
            var current = Volatile.Read(ref counts.Active);
            if (current >= limit)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref counts.Active, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Release(string edgeId) => Interlocked.Decrement(ref Counts(edgeId).Active);

    public BondingStatus? Snapshot(IReadOnlyList<BondPathStatus> paths)
    {
        if (_role == "none")
        {
            return null;
        }
        var edges = _perEdge
            .Select(kv => new HubEdgeStatus(kv.Key, Volatile.Read(ref kv.Value.Active)) { Refused = Interlocked.Read(ref kv.Value.Refused) })
            .Where(e => e.ActiveSessions > 0 || e.Refused > 0)
            .OrderBy(e => e.Id, StringComparer.Ordinal)
            .ToList();
        var buffers = _buffers;
        return new BondingStatus(
            _role, _state, _peer, Volatile.Read(ref _active), Interlocked.Read(ref _total), Interlocked.Read(ref _failed),
            Counters.Up, Counters.Down, _lastError, paths, edges)
        {
            FallbackSessions = Interlocked.Read(ref _fallback),
            ActiveFallbackSessions = Volatile.Read(ref _activeFallback),
            ShedHandshakes = Interlocked.Read(ref _shed),
            BufferBytes = buffers?.InUseBytes,
            BufferPeakBytes = buffers?.PeakBytes,
            BufferLimitBytes = buffers?.CapacityBytes,
        };
    }

    private EdgeCounts Counts(string edgeId) => _perEdge.GetOrAdd(edgeId, _ => new EdgeCounts());

    private sealed class EdgeCounts
    {
        public int Active;
        public long Refused;
    }
}
