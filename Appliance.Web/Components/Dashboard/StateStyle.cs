using MudBlazor;

namespace Appliance.Web.Components.Dashboard;

/// <summary>One colour per link state everywhere on the dashboard: up green, degraded orange, down red, anything else grey.</summary>
public static class StateStyle
{
    public static Color Color(string? state) => Normalise(state) switch
    {
        "up" => MudBlazor.Color.Success,
        "degraded" => MudBlazor.Color.Warning,
        "down" => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Default,
    };

    /// <summary>The same colours for SVG strokes and borders, which MudBlazor's palette classes do not reach.</summary>
    public static string Css(string? state) => Normalise(state) switch
    {
        "up" => "#2e7d32",
        "degraded" => "#ef6c00",
        "down" => "#c62828",
        _ => "#9e9e9e",
    };

    /// <summary>The engine reports states in lower case; "unknown" covers a state it has not named (yet).</summary>
    public static string Normalise(string? state) => state?.Trim().ToLowerInvariant() switch
    {
        "up" => "up",
        "degraded" => "degraded",
        "down" => "down",
        _ => "unknown",
    };
}
