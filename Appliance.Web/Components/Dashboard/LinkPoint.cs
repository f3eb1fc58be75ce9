namespace Appliance.Web.Components.Dashboard;

/// <summary>One WAN at one instant on a chart; a figure that was not measured is null and leaves a gap.</summary>
public sealed record LinkPoint(DateTimeOffset At, double? RxBitsPerSecond, double? TxBitsPerSecond, double? RttMs);
