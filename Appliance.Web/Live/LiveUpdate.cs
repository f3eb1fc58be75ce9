using Appliance.Engine.Firmware;
using Appliance.Engine.Health;
using Appliance.Engine.Status;

namespace Appliance.Web.Live;

/// <summary>What the UI's components receive from <see cref="LiveStatusFeed"/>: the same things the status hub pushes.</summary>
public abstract record LiveUpdate;

/// <summary>The whole live status, once a second.</summary>
public sealed record SnapshotUpdate(EngineStatus Status) : LiveUpdate;

public sealed record LinkStateUpdate(HealthEvent Change) : LiveUpdate;

public sealed record ConfigAppliedUpdate(ConfigAppliedEvent Applied) : LiveUpdate;

/// <summary>The pending configuration or a revision changed (an edit, import, confirm or revert from anywhere): views of it refresh.</summary>
public sealed record ConfigEditedUpdate : LiveUpdate;

public sealed record FirmwareProgressUpdate(FirmwareProgress Progress) : LiveUpdate;
