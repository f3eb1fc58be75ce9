namespace Appliance.Data.Entities;

/// <summary>A WAN state change, kept for the event log (bounded).</summary>
public sealed class HealthEventEntity
{
    public long Id { get; set; }
    public DateTimeOffset Time { get; set; }
    public string Wan { get; set; } = "";
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public string Reason { get; set; } = "";
}
