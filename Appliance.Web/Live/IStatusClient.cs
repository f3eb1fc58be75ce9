using Appliance.Engine.Firmware;
using Appliance.Engine.Health;
using Appliance.Engine.Status;

namespace Appliance.Web.Live;

/// <summary>What the status hub sends its clients (the method names are the SignalR event names).</summary>
public interface IStatusClient
{
    /// <summary>The whole live status, once a second and on connecting.</summary>
    Task Snapshot(EngineStatus status);

    /// <summary>A WAN changed state (up, degraded, down), with the reason.</summary>
    Task LinkStateChanged(HealthEvent change);

    /// <summary>A revision became the running configuration (apply, confirm revert, rollback, a failed apply's fallback).</summary>
    Task ConfigApplied(ConfigAppliedEvent applied);

    /// <summary>A step of a firmware upload, check or install.</summary>
    Task FirmwareProgress(FirmwareProgress progress);
}

public sealed record ConfigAppliedEvent(long RevisionId, DateTimeOffset AppliedAt);
