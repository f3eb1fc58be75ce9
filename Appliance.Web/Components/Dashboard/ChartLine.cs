namespace Appliance.Web.Components.Dashboard;

/// <summary>One line of a <see cref="LineChart"/>: a name for the legend, a colour, and its values over time (null leaves a gap).</summary>
public sealed record ChartLine(string Name, string Colour, IReadOnlyList<(DateTimeOffset At, double? Value)> Values);
