namespace Appliance.Engine.Configuration.Validation;

/// <summary>Checks the ports and their roles, and that roles agree with the WANs and the LAN's own interface list.</summary>
public sealed class PortValidator : IConfigValidator
{
    /// <summary>Far more Ethernet ports than any box has; each lan port is a bridge member, each wan one a WAN.</summary>
    public const int MaxPorts = 64;

    public void Validate(ApplianceConfig config, ValidationPurpose purpose, ValidationErrors errors)
    {
        var ports = config.Ports;
        if (ports.Count > MaxPorts)
        {
            errors.Add("ports", $"may hold at most {MaxPorts} ports ({ports.Count} given)");
        }
        var wanByInterface = config.Wans.Where(w => w.Interface is not null).GroupBy(w => w.Interface, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        var lanInterfaces = config.Settings?.Lan?.Interfaces ?? [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var at = $"ports[{i}]";
            if (FieldRules.InterfaceNameError(port.Name) is { } nameError)
            {
                errors.Add($"{at}.name", nameError);
            }
            else if (port.Name is LanSettings.Bridge or "lo")
            {
                errors.Add($"{at}.name", $"'{port.Name}' is not a port (the appliance makes it itself)");
            }
            else if (!seen.Add(port.Name))
            {
                errors.Add($"{at}.name", $"'{port.Name}' is listed twice");
            }
            if (!Enum.IsDefined(port.Role))
            {
                errors.Add($"{at}.role", "must be lan, wan, management or unused");
            }
            else if (port.Role != PortRole.Wan && port.Name is not null && wanByInterface.TryGetValue(port.Name, out var wan))
            {
                errors.Add($"{at}.role", $"'{port.Name}' carries WAN '{wan}': its role must be wan");
            }
        }
        var portRoles = ports.Where(p => p.Name is not null).GroupBy(p => p.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Role, StringComparer.Ordinal);
        var bridged = ports.Any(p => p.Role == PortRole.Lan);
        for (var i = 0; i < lanInterfaces.Count; i++)
        {
            var name = lanInterfaces[i];
            if (name is not null && portRoles.TryGetValue(name, out var role))
            {
                errors.Add($"settings.lan.interfaces[{i}]", role == PortRole.Lan
                    ? $"'{name}' is a lan port and bridged already: list only interfaces that are not ports"
                    : $"'{name}' is a port with role {ConfigJson.EnumValue(role)}: give it the lan role instead");
            }
            else if (bridged && name == LanSettings.Bridge)
            {
                errors.Add($"settings.lan.interfaces[{i}]", $"'{name}' is the bridge of the lan ports: the appliance manages it");
            }
        }
        for (var i = 0; i < config.Wans.Count; i++)
        {
            if (config.Wans[i].Interface == LanSettings.Bridge)
            {
                errors.Add($"wans[{i}].interface", $"'{LanSettings.Bridge}' is the LAN's bridge");
            }
        }
        // Ports given but none to reach the box on but its WANs: an edge would lock out everyone on its LAN.
        if (purpose == ValidationPurpose.Apply && config.Settings?.Role == ApplianceRole.Edge && ports.Count > 0 &&
            !ports.Any(p => p.Role is PortRole.Lan or PortRole.Management))
        {
            errors.Add("ports", "at least one port must have the lan or management role, or nothing on site can reach the appliance");
        }
    }
}
