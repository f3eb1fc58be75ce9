namespace Appliance.Engine.Telemetry;

/// <summary>How long each resolution of the link history is kept.</summary>
public static class LinkHistoryRetention
{
    public static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>1 s samples: enough for a live chart and a look at the last incident.</summary>
    public static readonly TimeSpan Seconds = TimeSpan.FromMinutes(15);

    /// <summary>1 min aggregates: a day, about 1,440 rows per WAN.</summary>
    public static readonly TimeSpan Minutes = TimeSpan.FromHours(24);

    public static DateTimeOffset StartOfSecond(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    public static DateTimeOffset StartOfMinute(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
}
