using Appliance.Engine.Firmware;
using Appliance.Engine.Health;
using Appliance.Web.Live;
using MudBlazor;

namespace Appliance.Web.Components.Dashboard;

/// <summary>One line of the dashboard's event log: a link change, an apply or a firmware step.</summary>
public sealed record DashboardEvent(DateTimeOffset Time, string Kind, string Text, Severity Severity)
{
    public static DashboardEvent From(HealthEvent change) => new(
        change.Time,
        "link",
        $"{change.Wan}: {Name(change.From)} → {Name(change.To)}: {change.Reason}",
        change.To switch
        {
            LinkState.Up => Severity.Success,
            LinkState.Degraded => Severity.Warning,
            LinkState.Down => Severity.Error,
            _ => Severity.Normal,
        });

    public static DashboardEvent From(ConfigAppliedEvent applied) =>
        new(applied.AppliedAt, "config", $"revision {applied.RevisionId} is now running", Severity.Info);

    public static DashboardEvent From(FirmwareProgress progress) => new(
        progress.Time,
        "firmware",
        progress.Error is null
            ? $"{progress.Operation} {progress.Percent} %: {progress.Message}"
            : $"{progress.Operation}: {progress.Message}: {progress.Error}",
        progress.Error is null ? Severity.Info : Severity.Error);

    /// <summary>The log's line for a live update; null for a snapshot, which is not an event.</summary>
    public static DashboardEvent? From(LiveUpdate update) => update switch
    {
        LinkStateUpdate link => From(link.Change),
        ConfigAppliedUpdate applied => From(applied.Applied),
        FirmwareProgressUpdate firmware => From(firmware.Progress),
        _ => null,
    };

    private static string Name(LinkState state) => state.ToString().ToLowerInvariant();
}
