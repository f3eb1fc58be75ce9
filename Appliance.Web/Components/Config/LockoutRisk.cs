using System.Text.Json;
using Appliance.Engine.Configuration;

namespace Appliance.Web.Components.Config;

/// <summary>
/// Pending changes that can cut the user off from the appliance: the ports' roles and the LAN (its addresses, DHCP
/// and DNS). The apply bar suggests a confirm time for them, so a lost connection reverts by itself.
/// </summary>
public static class LockoutRisk
{
    /// <summary>What the apply bar preselects: long enough to reconnect (a new DHCP lease, a new address typed in).</summary>
    public const int SuggestedConfirmSeconds = 120;

    /// <summary>Why the changes from <paramref name="running"/> to <paramref name="pending"/> are risky, or null.</summary>
    public static string? Reason(ApplianceConfig running, ApplianceConfig pending)
    {
        var ports = !Same(running.Ports, pending.Ports);
        var lan = !Same(running.Settings.Lan, pending.Settings.Lan);
        return (ports, lan) switch
        {
            (true, true) => "These changes touch the ports' roles and the LAN",
            (true, false) => "These changes touch the ports' roles",
            (false, true) => "These changes touch the LAN",
            _ => null,
        };
    }

    private static bool Same<T>(T a, T b) =>
        JsonSerializer.Serialize(a, ConfigJson.Options) == JsonSerializer.Serialize(b, ConfigJson.Options);
}
