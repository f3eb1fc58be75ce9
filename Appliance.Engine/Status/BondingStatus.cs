namespace Appliance.Engine.Status;

/// <summary>Bonding as <c>/api/v1/status</c> reports it: the edge's relay to its hub, or the hub's relay for its edges.</summary>
/// <param name="State">Edge: connected, unreachable, refused, idle, or failed (its listener could not start). Hub: listening or failed.</param>
/// <param name="Peer">Edge: the hub it relays to. Hub: where it listens.</param>
/// <param name="Paths">Edge: the WAN addresses that are MPTCP endpoints now.</param>
/// <param name="Edges">Hub: edges with sessions open or destinations refused.</param>
public sealed record BondingStatus(
    string Role,
    string State,
    string? Peer,
    int ActiveSessions,
    long TotalSessions,
    long FailedSessions,
    long BytesUp,
    long BytesDown,
    string? LastError,
    IReadOnlyList<BondPathStatus> Paths,
    IReadOnlyList<HubEdgeStatus> Edges)
{
    /// <summary>Relayed payload, both directions, over the last second; null until sampled.</summary>
    public long? GoodputBitsPerSecond { get; init; }

    /// <summary>Goodput divided by the busiest single bonded link's rate (above 1 means bonding beats one link); null when idle.</summary>
    public double? Efficiency { get; init; }

    /// <summary>Edge: sessions the bond could not take (hub busy, unreachable or refusing, the edge's cap) that were balanced over a WAN instead, since start.</summary>
    public long FallbackSessions { get; init; }

    /// <summary>Edge: such balanced fallback sessions open now.</summary>
    public int ActiveFallbackSessions { get; init; }

    /// <summary>Hub: connections closed at once because too many handshakes were in progress (in all, or from their source).</summary>
    public long ShedHandshakes { get; init; }

    /// <summary>Relay buffer memory held by sessions now (bytes); null before the relay started.</summary>
    public long? BufferBytes { get; init; }

    /// <summary>The most relay buffer memory held at once since start (bytes).</summary>
    public long? BufferPeakBytes { get; init; }

    /// <summary>The cap on relay buffer memory (bytes).</summary>
    public long? BufferLimitBytes { get; init; }
}

/// <param name="Subflows">MPTCP subflows to the hub leaving from this WAN's address now (null until first sampled).</param>
/// <param name="BytesSent">Bytes the subflows on this path have sent, as the kernel counts them (null until sampled).</param>
public sealed record BondPathStatus(string Wan, string Address, bool Backup, int? Subflows = null, long? BytesSent = null, long? BytesReceived = null);

/// <summary>Hub: one edge's sessions.</summary>
public sealed record HubEdgeStatus(string Id, int ActiveSessions)
{
    /// <summary>Destinations the hub refused this edge (not permitted by the destination policy) since start.</summary>
    public long Refused { get; init; }
}
