namespace Appliance.Engine.Telemetry;

/// <summary>Folds one minute of 1 s samples into one: averages of the figures, the worst state, the last counts.</summary>
public static class LinkSampleAggregation
{
    /// <summary>How bad a state is for a chart that must not hide an outage: down &gt; degraded &gt; unknown &gt; up.</summary>
    public static int Severity(string state) => state switch
    {
        "down" => 3,
        "degraded" => 2,
        "up" => 0,
        _ => 1,
    };

    /// <summary>The worse of two states.</summary>
    public static string Worst(string a, string b) => Severity(b) > Severity(a) ? b : a;

    /// <summary>
    /// One sample for the interval starting at <paramref name="at"/>. A figure that no sample measured stays null;
    /// sessions and subflows are the last sample's (a count at the end of the interval, not a mean).
    /// </summary>
    public static LinkSample Aggregate(DateTimeOffset at, IReadOnlyList<LinkSample> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("An aggregate needs at least one sample.", nameof(samples));
        }
        var state = samples[0].State;
        for (var i = 1; i < samples.Count; i++)
        {
            state = Worst(state, samples[i].State);
        }
        var last = samples[^1];
        return new LinkSample(
            at,
            state,
            Mean(samples, s => s.RttMs),
            Mean(samples, s => s.JitterMs),
            Mean(samples, s => s.LossPercent),
            (long)Math.Round(samples.Average(s => (double)s.RxBitsPerSecond)),
            (long)Math.Round(samples.Average(s => (double)s.TxBitsPerSecond)),
            last.Sessions,
            last.Subflows);
    }

    private static double? Mean(IReadOnlyList<LinkSample> samples, Func<LinkSample, double?> figure)
    {
        double sum = 0;
        var count = 0;
        foreach (var sample in samples)
        {
            if (figure(sample) is { } value)
            {
                sum += value;
                count++;
            }
        }
        return count == 0 ? null : Math.Round(sum / count, 2);
    }
}
