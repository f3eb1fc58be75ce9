using System.Text.Json;
using Appliance.Engine.Configuration;

namespace Appliance.Data.Store;

/// <summary>
/// Whether applying a change could cut the admin off: a change of the port roles or of the LAN is the classic way to
/// lock oneself out of a router, so such a change is better applied with commit-confirm.
/// </summary>
internal static class LockoutRisk
{
    /// <returns>Why commit-confirm is advisable, in words; null when the change leaves ports and LAN as they run.</returns>
    public static string? Describe(ApplianceConfig running, ApplianceConfig pending)
    {
        var reasons = new List<string>(2);
        if (Json(running.Ports) != Json(pending.Ports))
        {
            reasons.Add("the port roles change");
        }
        if (Json(running.Settings?.Lan) != Json(pending.Settings?.Lan))
        {
            reasons.Add("the LAN settings change");
        }
        return reasons.Count == 0
            ? null
            : $"{string.Join(" and ", reasons)}: a mistake there can cut off the connection the change is made over, so apply it with commit-confirm";
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, ConfigJson.Options);
}
