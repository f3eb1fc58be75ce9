using System.Globalization;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;

namespace Appliance.Web.Components.Network;

/// <summary>How a WAN got its address, in a few words for the WAN list and the dashboard.</summary>
public static class AddressingText
{
    public static string Mode(AddressingMode mode) => mode switch
    {
        AddressingMode.Dhcp => "DHCP",
        AddressingMode.Static => "static",
        AddressingMode.Pppoe => "PPPoE",
        _ => mode.ToString(),
    };

    /// <summary>"DHCP lease until 14:02", "static", "PPPoE session up": the learned state if there is one, else the configured mode.</summary>
    public static string How(WanAddressing configured, WanAddressState? state, TimeProvider time)
    {
        if (state is null)
        {
            return configured.Mode == AddressingMode.Static ? "static" : $"{Mode(configured.Mode)}: no address yet";
        }
        return state.Mode switch
        {
            AddressingMode.Dhcp when state.Bound && state.Expires is { } expires => $"DHCP lease until {Clock(expires, time)}",
            AddressingMode.Dhcp when state.Bound => "DHCP lease",
            AddressingMode.Pppoe when state.Bound => "PPPoE session" + (state.Obtained is { } since ? $" since {Clock(since, time)}" : ""),
            AddressingMode.Static => "static",
            _ => $"{Mode(state.Mode)}: {state.State}",
        };
    }

    /// <summary>"198.51.100.2/24 via 198.51.100.1", or what is known of it.</summary>
    public static string Address(WanAddressState? state) => state switch
    {
        null or { Address: null } => "—",
        { Gateway: null } => state.Address,
        _ => $"{state.Address} via {state.Gateway}",
    };

    /// <summary>A time of day on the appliance's clock, with the date when it is not today.</summary>
    public static string Clock(DateTimeOffset at, TimeProvider time)
    {
        var zone = time.LocalTimeZone;
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var today = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).Date;
        return local.ToString(local.Date == today ? "HH:mm" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }
}
