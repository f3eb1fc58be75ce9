using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.Health.Probing;

/// <summary>One prober per <see cref="ProbeMethod"/>, sharing a socket factory and clock.</summary>
public sealed class ProberSet : IDisposable
{
    private readonly HttpProber? _http;
    private readonly Dictionary<ProbeMethod, IProber> _byMethod;

    public ProberSet(ISocketFactory sockets, TimeProvider time)
        : this(new HttpProber(sockets, time), [new IcmpProber(sockets, time), new TcpProber(sockets, time), new DnsProber(sockets, time)])
    {
    }

    /// <summary>A set of the given probers (tests replace the real ones).</summary>
    internal ProberSet(params IReadOnlyList<IProber> probers)
        : this(null, probers)
    {
    }

    private ProberSet(HttpProber? http, IReadOnlyList<IProber> others)
    {
        _http = http;
        IReadOnlyList<IProber> all = http is null ? others : [.. others, http];
        _byMethod = all.ToDictionary(p => p.Method);
        All = all;
    }

    public IReadOnlyList<IProber> All { get; }

    public IProber this[ProbeMethod method] =>
        _byMethod.TryGetValue(method, out var prober) ? prober : throw new ArgumentOutOfRangeException(nameof(method), method, "no prober for this method");

    /// <summary>Probes <paramref name="target"/> with the prober for its method.</summary>
    public Task<ProbeResult> ProbeAsync(ProbeTarget target, WanBinding wan, TimeSpan timeout, CancellationToken ct) =>
        this[target.Method].ProbeAsync(target, wan, timeout, ct);

    public void Dispose() => _http?.Dispose();
}
