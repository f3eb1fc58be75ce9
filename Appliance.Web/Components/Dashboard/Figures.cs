using System.Globalization;

namespace Appliance.Web.Components.Dashboard;

/// <summary>How the dashboard writes figures: human units, and "—" for what the engine has not measured.</summary>
public static class Figures
{
    /// <summary>Shown for a figure that is null: the engine has not measured it, and nothing is invented in its place.</summary>
    public const string Missing = "—";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A link rate in decimal units (1 Mbit/s = 1 000 000 bit/s), as ISPs and tools like iperf3 quote them.</summary>
    public static string BitRate(double? bitsPerSecond) => bitsPerSecond switch
    {
        null => Missing,
        < 1_000 and > -1_000 => $"{bitsPerSecond.Value.ToString("0", Invariant)} bit/s",
        { } v when Math.Abs(v) < 1_000_000 => $"{(v / 1e3).ToString("0.0", Invariant)} kbit/s",
        { } v when Math.Abs(v) < 1_000_000_000 => $"{(v / 1e6).ToString("0.0", Invariant)} Mbit/s",
        { } v => $"{(v / 1e9).ToString("0.00", Invariant)} Gbit/s",
    };

    /// <summary>A byte count in decimal units (kB, MB, GB, TB).</summary>
    public static string Bytes(long? bytes) => bytes switch
    {
        null => Missing,
        < 1_000 => $"{bytes.Value.ToString(Invariant)} B",
        < 1_000_000 => $"{(bytes.Value / 1e3).ToString("0.0", Invariant)} kB",
        < 1_000_000_000 => $"{(bytes.Value / 1e6).ToString("0.0", Invariant)} MB",
        < 1_000_000_000_000 => $"{(bytes.Value / 1e9).ToString("0.00", Invariant)} GB",
        _ => $"{(bytes.Value / 1e12).ToString("0.00", Invariant)} TB",
    };

    public static string Milliseconds(double? ms) => ms is { } v ? $"{v.ToString("0.0", Invariant)} ms" : Missing;

    public static string Percent(double? percent) => percent is { } v ? $"{v.ToString("0.#", Invariant)} %" : Missing;

    /// <summary>A ratio such as bonding efficiency, written as a multiple of one link ("1.62×").</summary>
    public static string Ratio(double? ratio) => ratio is { } v ? $"{v.ToString("0.00", Invariant)}×" : Missing;

    public static string Count(long? count) => count is { } v ? v.ToString("N0", Invariant) : Missing;

    public static string Time(DateTimeOffset? at) => at is { } t ? t.ToString("HH:mm:ss", Invariant) : Missing;
}
