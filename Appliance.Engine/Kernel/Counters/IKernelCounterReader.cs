using System.Net;
using Appliance.Engine.Telemetry;

namespace Appliance.Engine.Kernel.Counters;

/// <summary>The kernel's traffic figures the telemetry samples each second; tests replace it.</summary>
public interface IKernelCounterReader
{
    /// <summary>Every named counter of the appliance's nftables table, by name.</summary>
    Task<IReadOnlyDictionary<string, NftCounter>> ReadCountersAsync(CancellationToken ct);

    /// <summary>Connection-tracking entries per mark (the appliance's bits of it); unmarked entries are left out.</summary>
    Task<IReadOnlyDictionary<uint, long>> ReadSessionsByMarkAsync(CancellationToken ct);

    /// <summary>Established TCP sockets to the hub (each MPTCP subflow is one) and their bytes, by local address.</summary>
    Task<IReadOnlyDictionary<string, PathTraffic>> ReadSubflowsAsync(IPAddress hub, int port, CancellationToken ct);
}

/// <summary>One nftables named counter.</summary>
public readonly record struct NftCounter(long Packets, long Bytes);
