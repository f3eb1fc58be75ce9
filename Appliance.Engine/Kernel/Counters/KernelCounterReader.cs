using System.Net;
using Appliance.Engine.Planning;
using Appliance.Engine.Telemetry;

namespace Appliance.Engine.Kernel.Counters;

/// <summary>Reads the figures with one program each: <c>nft -j list counters</c>, <c>conntrack -L</c>, <c>ss</c>.</summary>
/// <remarks>A program that fails throws <see cref="KernelCommandException"/>; output that does not parse throws what its parser throws.</remarks>
public sealed class KernelCounterReader(ICommandRunner runner) : IKernelCounterReader
{
    public async Task<IReadOnlyDictionary<string, NftCounter>> ReadCountersAsync(CancellationToken ct) =>
        NftCounters.Parse(await runner.RunCheckedAsync("nft", ["-j", "list", "counters", "table", KernelIds.TableFamily, KernelIds.TableName], null, ct));

    public async Task<IReadOnlyDictionary<uint, long>> ReadSessionsByMarkAsync(CancellationToken ct) =>
        SessionCount.ParseByMark(await runner.RunCheckedAsync("conntrack", SessionCount.ConntrackArguments, null, ct));

    public async Task<IReadOnlyDictionary<string, PathTraffic>> ReadSubflowsAsync(IPAddress hub, int port, CancellationToken ct) =>
        SubflowCount.ParseTraffic(await runner.RunCheckedAsync("ss", SubflowCount.SsArguments(hub, port), null, ct));
}
