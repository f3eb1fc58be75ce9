using System.Globalization;

namespace Appliance.Web.Components.Dashboard;

/// <summary>
/// Turns values over time into SVG polyline points. Pure, so the charts' shape is tested without a browser;
/// the SVG is rendered on the server and needs no script, which the strict CSP would refuse.
/// </summary>
public static class ChartGeometry
{
    /// <summary>
    /// The polylines of one line in a <paramref name="width"/> × <paramref name="height"/> box: time runs left to right
    /// from <paramref name="from"/> to <paramref name="to"/>, 0 at the bottom and <paramref name="yMax"/> at the top.
    /// A null value splits the line, so an unmeasured stretch shows as a gap instead of a made-up slope.
    /// Points outside the time range are left out.
    /// </summary>
    public static IReadOnlyList<string> Polylines(
        IEnumerable<(DateTimeOffset At, double? Value)> values, DateTimeOffset from, DateTimeOffset to, double yMax, double width, double height)
    {
        var span = (to - from).TotalSeconds;
        var top = yMax > 0 ? yMax : 1;
        var lines = new List<string>();
        var current = new List<string>();
        foreach (var (at, value) in values)
        {
            if (at < from || at > to)
            {
                continue;
            }
            if (value is not { } v)
            {
                Flush(lines, current);
                continue;
            }
            var x = span > 0 ? (at - from).TotalSeconds / span * width : width;
            var y = height - Math.Clamp(v / top, 0, 1) * height;
            current.Add($"{Format(x)},{Format(y)}");
        }
        Flush(lines, current);
        return lines;
    }

    /// <summary>
    /// A top for the y axis a little above the largest value, rounded to 1, 2 or 5 times a power of ten so the
    /// label reads well; 0 when nothing was measured.
    /// </summary>
    public static double NiceMax(IEnumerable<double?> values)
    {
        var max = values.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(0).Max();
        if (max <= 0)
        {
            return 0;
        }
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (max <= step * magnitude)
            {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    // A single point would be invisible as a polyline; doubling it draws a dot with round line caps.
    private static void Flush(List<string> lines, List<string> current)
    {
        if (current.Count == 1)
        {
            current.Add(current[0]);
        }
        if (current.Count > 0)
        {
            lines.Add(string.Join(' ', current));
        }
        current.Clear();
    }

    private static string Format(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
