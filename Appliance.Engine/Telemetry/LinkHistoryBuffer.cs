namespace Appliance.Engine.Telemetry;

/// <summary>
/// The link history in memory: per WAN, 1 s samples for <see cref="LinkHistoryRetention.Seconds"/> and 1 min aggregates
/// for <see cref="LinkHistoryRetention.Minutes"/>. Pure (the caller says what time it is); safe for concurrent use.
/// </summary>
public sealed class LinkHistoryBuffer
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, Series> _series = new(StringComparer.Ordinal);

    /// <summary>The WANs that have history, in name order.</summary>
    public IReadOnlyList<string> Wans
    {
        get
        {
            lock (_lock)
            {
                return _series.Keys.ToList();
            }
        }
    }

    /// <summary>Replaces one WAN's history with what was persisted, e.g. at start-up.</summary>
    public void Load(string wan, IEnumerable<LinkSample> seconds, IEnumerable<LinkSample> minutes)
    {
        var series = new Series();
        series.Seconds.AddRange(Ordered(seconds));
        series.Minutes.AddRange(Ordered(minutes));
        // Seconds before the first one kept were pruned if their minute was already aggregated: that minute comes from the aggregate.
        if (series.Seconds.Count > 0 && series.Minutes.Any(m => m.At == LinkHistoryRetention.StartOfMinute(series.Seconds[0].At)))
        {
            series.PrunedThrough = series.Seconds[0].At - LinkHistoryRetention.Second;
        }
        lock (_lock)
        {
            _series[wan] = series;
        }
    }

    /// <summary>Adds one WAN's 1 s sample; returns the minute aggregate it completed, if any (for the caller to persist).</summary>
    public LinkSample? Add(string wan, LinkSample sample)
    {
        sample = sample with { At = LinkHistoryRetention.StartOfSecond(sample.At) };
        lock (_lock)
        {
            if (!_series.TryGetValue(wan, out var series))
            {
                _series[wan] = series = new Series();
            }
            // A second sampled twice (or a clock stepped back) must not break the ordering the queries rely on.
            if (series.Seconds.Count > 0 && sample.At <= series.Seconds[^1].At)
            {
                return null;
            }
            var closed = CloseMinute(series, sample.At);
            series.Seconds.Add(sample);
            Trim(series, sample.At);
            return closed;
        }
    }

    /// <summary>
    /// Closes minutes that ended before <paramref name="now"/> (a WAN that stopped reporting) and drops everything past its
    /// retention; returns the aggregates it completed. WANs left without samples are forgotten.
    /// </summary>
    public IReadOnlyList<(string Wan, LinkSample Minute)> Prune(DateTimeOffset now)
    {
        var closed = new List<(string, LinkSample)>();
        lock (_lock)
        {
            foreach (var (wan, series) in _series.ToList())
            {
                if (CloseMinute(series, now) is { } minute)
                {
                    closed.Add((wan, minute));
                }
                Trim(series, now);
                if (series.Seconds.Count == 0 && series.Minutes.Count == 0)
                {
                    _series.Remove(wan);
                }
            }
        }
        return closed;
    }

    /// <summary>One WAN's samples that overlap [since, now], oldest first: minute aggregates, then the 1 s samples still kept.</summary>
    public IReadOnlyList<LinkSample> Query(string wan, DateTimeOffset since)
    {
        lock (_lock)
        {
            if (!_series.TryGetValue(wan, out var series))
            {
                return [];
            }
            var boundary = DateTimeOffset.MaxValue;
            if (series.Seconds.Count > 0)
            {
                var first = LinkHistoryRetention.StartOfMinute(series.Seconds[0].At);
                // Use the 1 s samples from the minute they start in, unless part of that minute was pruned (its aggregate is whole).
                boundary = series.PrunedThrough is { } pruned && pruned >= first ? first + LinkHistoryRetention.Minute : first;
            }
            var result = series.Minutes.Where(m => m.At < boundary && m.At + LinkHistoryRetention.Minute > since).ToList();
            result.AddRange(series.Seconds.Where(s => s.At >= boundary && s.At >= LinkHistoryRetention.StartOfSecond(since)));
            return result;
        }
    }

    private static LinkSample? CloseMinute(Series series, DateTimeOffset now)
    {
        if (series.Seconds.Count == 0)
        {
            return null;
        }
        var open = LinkHistoryRetention.StartOfMinute(series.Seconds[^1].At);
        if (LinkHistoryRetention.StartOfMinute(now) <= open || (series.Minutes.Count > 0 && series.Minutes[^1].At >= open))
        {
            return null;
        }
        var start = series.Seconds.Count;
        while (start > 0 && series.Seconds[start - 1].At >= open)
        {
            start--;
        }
        var minute = LinkSampleAggregation.Aggregate(open, series.Seconds.GetRange(start, series.Seconds.Count - start));
        series.Minutes.Add(minute);
        return minute;
    }

    private static void Trim(Series series, DateTimeOffset now)
    {
        var secondsCutoff = now - LinkHistoryRetention.Seconds;
        var drop = series.Seconds.FindIndex(s => s.At >= secondsCutoff) is var keep and >= 0 ? keep : series.Seconds.Count;
        if (drop > 0)
        {
            series.PrunedThrough = series.Seconds[drop - 1].At;
            series.Seconds.RemoveRange(0, drop);
        }
        var minutesCutoff = now - LinkHistoryRetention.Minutes;
        var old = series.Minutes.FindIndex(m => m.At >= minutesCutoff) is var first and >= 0 ? first : series.Minutes.Count;
        series.Minutes.RemoveRange(0, old);
    }

    private static IEnumerable<LinkSample> Ordered(IEnumerable<LinkSample> samples) =>
        samples.GroupBy(s => s.At).Select(g => g.First()).OrderBy(s => s.At);

    private sealed class Series
    {
        public List<LinkSample> Seconds { get; } = [];
        public List<LinkSample> Minutes { get; } = [];

        /// <summary>The newest 1 s sample dropped for age; its minute's detail now lives only in the aggregate.</summary>
        public DateTimeOffset? PrunedThrough { get; set; }
    }
}
