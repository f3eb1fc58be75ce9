namespace Appliance.Engine.Health;

/// <summary>A WAN changed state.</summary>
public sealed record HealthEvent(DateTimeOffset Time, string Wan, LinkState From, LinkState To, string Reason);

/// <summary>Keeps health events (the database, bounded) and hands them to live listeners.</summary>
public interface IHealthEventSink
{
    Task RecordAsync(HealthEvent healthEvent, CancellationToken ct = default);
}
