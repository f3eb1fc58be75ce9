using Appliance.Engine.Status;
using Appliance.Engine.Telemetry;

namespace Appliance.Web.Components.Dashboard;

/// <summary>
/// The dashboard's charts: per WAN, the points of the last <see cref="Window"/>, seeded from the stored
/// history and extended by each live snapshot. Pure: the caller says what time it is, so tests need no clock.
/// </summary>
public sealed class LiveSeries(TimeSpan window)
{
    /// <summary>What the dashboard shows: long enough to see a failover, short enough to read a second.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, List<LinkPoint>> _byWan = new(StringComparer.Ordinal);

    public TimeSpan Window { get; } = window;

    public LiveSeries() : this(DefaultWindow)
    {
    }

    /// <summary>One WAN's points, oldest first; empty for a WAN not seen yet.</summary>
    public IReadOnlyList<LinkPoint> Points(string wan) => _byWan.TryGetValue(wan, out var points) ? points : [];

    public IReadOnlyCollection<string> Wans => _byWan.Keys;

    /// <summary>
    /// Stored history goes before the live points: a snapshot may arrive while the history is still loading,
    /// and the history's samples that overlap it are dropped rather than drawn twice.
    /// </summary>
    public void Seed(string wan, IEnumerable<LinkSample> history, DateTimeOffset now)
    {
        var points = PointsFor(wan);
        var firstLive = points.Count > 0 ? points[0].At : DateTimeOffset.MaxValue;
        var older = history
            .Where(s => s.At < firstLive)
            .OrderBy(s => s.At)
            .Select(s => new LinkPoint(s.At, s.RxBitsPerSecond, s.TxBitsPerSecond, s.RttMs));
        points.InsertRange(0, older);
        Trim(points, now);
    }

    /// <summary>Adds a point per WAN of the snapshot, forgets WANs the snapshot no longer has, and drops points older than the window.</summary>
    public void Add(EngineStatus status, DateTimeOffset now)
    {
        var current = status.Wans.Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _byWan.Keys.Where(w => !current.Contains(w)).ToList())
        {
            _byWan.Remove(gone);
        }
        foreach (var wan in status.Wans)
        {
            var points = PointsFor(wan.Name);
            points.Add(new LinkPoint(now, wan.RxBitsPerSecond, wan.TxBitsPerSecond, wan.RttMs));
            Trim(points, now);
        }
    }

    private List<LinkPoint> PointsFor(string wan)
    {
        if (!_byWan.TryGetValue(wan, out var points))
        {
            points = [];
            _byWan[wan] = points;
        }
        return points;
    }

    // Points arrive in time order, so the old ones are all at the front.
    private void Trim(List<LinkPoint> points, DateTimeOffset now)
    {
        var cutoff = now - Window;
        var old = 0;
        while (old < points.Count && points[old].At < cutoff)
        {
            old++;
        }
        points.RemoveRange(0, old);
    }
}
