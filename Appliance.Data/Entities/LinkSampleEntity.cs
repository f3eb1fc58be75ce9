namespace Appliance.Data.Entities;

/// <summary>One WAN's telemetry over one interval (1 s or 1 min), kept for the link history (bounded by age).</summary>
public sealed class LinkSampleEntity
{
    public long Id { get; set; }
    public string Wan { get; set; } = "";

    /// <summary>Start of the interval.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>Length of the interval: 1 for a sample, 60 for a minute aggregate.</summary>
    public int Seconds { get; set; }

    public string State { get; set; } = "";
    public double? RttMs { get; set; }
    public double? JitterMs { get; set; }
    public double? LossPercent { get; set; }
    public long RxBitsPerSecond { get; set; }
    public long TxBitsPerSecond { get; set; }
    public long? Sessions { get; set; }
    public int? Subflows { get; set; }
}
