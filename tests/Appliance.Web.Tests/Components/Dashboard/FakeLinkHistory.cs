using Appliance.Engine.Telemetry;

namespace Appliance.Web.Tests.Components.Dashboard;

/// <summary>History from a dictionary, answering with the samples since the asked time; records what was asked.</summary>
internal sealed class FakeLinkHistory : ILinkHistory
{
    private readonly Dictionary<string, List<LinkSample>> _samples = new(StringComparer.Ordinal);

    public List<(string Wan, DateTimeOffset Since)> Queries { get; } = [];

    /// <summary>When set, queries wait for it: the page's loading state can be seen.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public IReadOnlyList<string> Wans => _samples.Keys.Order(StringComparer.Ordinal).ToList();

    public FakeLinkHistory With(string wan, params IEnumerable<LinkSample> samples)
    {
        _samples[wan] = samples.OrderBy(s => s.At).ToList();
        return this;
    }

    public async Task<IReadOnlyList<LinkSample>> QueryAsync(string wan, DateTimeOffset since, CancellationToken ct = default)
    {
        Queries.Add((wan, since));
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(ct);
        }
        return _samples.TryGetValue(wan, out var samples) ? samples.Where(s => s.At >= since).ToList() : [];
    }

    public static LinkSample Sample(DateTimeOffset at, long rx, long tx, double? rtt = 20, double? loss = 0, long? sessions = 10) =>
        new(at, "up", rtt, 1, loss, rx, tx, sessions, null);
}
