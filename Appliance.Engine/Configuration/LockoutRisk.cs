using System.Text.Json;

namespace Appliance.Engine.Configuration;

/// <summary>
/// Whether applying a change could cut the admin off: a change of the port roles or of the LAN (its addresses, DHCP and
/// DNS) is the classic way to lock oneself out of a router, so such a change is better applied with commit-confirm.
/// The API's pending summary and the UI's apply bar both ask here.
/// </summary>
public sealed record LockoutRisk(bool Ports, bool Lan)
{
    /// <summary>The confirm time suggested for such a change: long enough to reconnect (a new DHCP lease, a new address typed in).</summary>
    public const int SuggestedConfirmSeconds = 120;

    /// <summary>The risk of going from <paramref name="running"/> to <paramref name="pending"/>; null when ports and LAN stay as they run.</summary>
    public static LockoutRisk? Of(ApplianceConfig running, ApplianceConfig pending)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(pending);
        var risk = new LockoutRisk(!Same(running.Ports, pending.Ports), !Same(running.Settings?.Lan, pending.Settings?.Lan));
        return risk.Ports || risk.Lan ? risk : null;
    }

    /// <summary>Why commit-confirm is advisable, in words (the API's <c>suggestConfirm</c> reason).</summary>
    public string Reason =>
        $"{string.Join(" and ", What)}: a mistake there can cut off the connection the change is made over, so apply it with commit-confirm";

    private IEnumerable<string> What =>
        new[] { Ports ? "the port roles change" : null, Lan ? "the LAN settings change" : null }.OfType<string>();

    private static bool Same<T>(T a, T b) =>
        JsonSerializer.Serialize(a, ConfigJson.Options) == JsonSerializer.Serialize(b, ConfigJson.Options);
}
