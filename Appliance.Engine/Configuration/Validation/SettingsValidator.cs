namespace Appliance.Engine.Configuration.Validation;

/// <summary>Checks the appliance settings: LAN side, hub peer and hub listener.</summary>
public sealed class SettingsValidator : IConfigValidator
{
    public const int MinKeyLength = 16;
    public const int MaxKeyLength = 256;

    public void Validate(ApplianceConfig config, ValidationPurpose purpose, ValidationErrors errors)
    {
        var settings = config.Settings;
        if (settings is null)
        {
            errors.Add("settings", "is required");
            return;
        }
        if (!Enum.IsDefined(settings.Role))
        {
            errors.Add("settings.role", "must be edge or hub");
        }
        var wanInterfaces = config.Wans.Select(w => w.Interface).ToHashSet(StringComparer.Ordinal);
        // The engine reads these without null checks: "lan": null must not get past validation.
        RequireNonNull(settings.Lan, "settings.lan", errors);
        RequireNonNull(settings.Lan?.Interfaces, settings.Lan is null ? null : "settings.lan.interfaces", errors);
        RequireNonNull(settings.Lan?.Addresses, settings.Lan is null ? null : "settings.lan.addresses", errors);
        RequireNonNull(settings.Hub, "settings.hub", errors);
        RequireNonNull(settings.Listen, "settings.listen", errors);
        var lan = settings.Lan ?? new LanSettings();
        var lanInterfaces = lan.Interfaces ?? [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lanInterfaces.Count; i++)
        {
            var name = lanInterfaces[i];
            if (FieldRules.InterfaceNameError(name) is { } error)
            {
                errors.Add($"settings.lan.interfaces[{i}]", error);
            }
            else if (wanInterfaces.Contains(name))
            {
                errors.Add($"settings.lan.interfaces[{i}]", $"'{name}' is a WAN interface");
            }
            else if (!seen.Add(name))
            {
                errors.Add($"settings.lan.interfaces[{i}]", $"'{name}' is listed twice");
            }
        }
        var addresses = lan.Addresses ?? [];
        for (var i = 0; i < addresses.Count; i++)
        {
            if (!FieldRules.TryParseInterfaceAddress(addresses[i], out _, out _))
            {
                errors.Add($"settings.lan.addresses[{i}]", $"'{FieldRules.Shown(addresses[i])}' is not an interface address such as 192.0.2.1/24");
            }
        }
        var hub = settings.Hub ?? new HubPeerSettings();
        if (hub.Address is not null && !FieldRules.TryParseHostAddress(hub.Address, out _) && !FieldRules.IsHostname(hub.Address))
        {
            errors.Add("settings.hub.address", "must be an IP address or host name");
        }
        if (!FieldRules.IsPort(hub.Port))
        {
            errors.Add("settings.hub.port", "must be between 1 and 65535");
        }
        if (hub.EdgeId is not null && !FieldRules.IsSlug(hub.EdgeId))
        {
            errors.Add("settings.hub.edgeId", "must be 1-32 lowercase letters, digits or '-'");
        }
        // The same rule as the hub's register of edges, so one key fits both ends; the message never quotes the key.
        if (hub.Key is not null && !FieldRules.IsKey(hub.Key, MinKeyLength, MaxKeyLength))
        {
            errors.Add("settings.hub.key", $"must be {MinKeyLength} to {MaxKeyLength} printable ASCII characters without spaces");
        }
        var listen = settings.Listen ?? new HubListenSettings();
        if (!FieldRules.TryParseAddress(listen.Address, out _))
        {
            errors.Add("settings.listen.address", "must be an IP address (0.0.0.0 for all)");
        }
        if (!FieldRules.IsPort(listen.Port))
        {
            errors.Add("settings.listen.port", "must be between 1 and 65535");
        }
    }

    private static void RequireNonNull(object? value, string? path, ValidationErrors errors)
    {
        if (value is null && path is not null)
        {
            errors.Add(path, "is required");
        }
    }
}
