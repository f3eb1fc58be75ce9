namespace Appliance.Engine.Configuration.Validation;

/// <summary>Before apply: the configuration must be complete enough for the engine to run it.</summary>
public sealed class ApplyReadinessValidator : IConfigValidator
{
    public void Validate(ApplianceConfig config, ValidationPurpose purpose, ValidationErrors errors)
    {
        if (purpose != ValidationPurpose.Apply || config.Settings?.Role != ApplianceRole.Edge)
        {
            return;
        }
        if (!config.Wans.Any(w => w.Enabled))
        {
            errors.Add("wans", "at least one WAN must be enabled");
        }
        var bonding = config.Wans.Any(w => w.Enabled && w.Mode == WanMode.Bond) ||
                      config.Rules.Any(r => r.Enabled && r.Action == RuleAction.Bond);
        if (!bonding)
        {
            return;
        }
        for (var i = 0; i < config.Rules.Count; i++)
        {
            if (config.Rules[i].Enabled && config.Rules[i].Action == RuleAction.Bond && !config.Wans.Any(w => w.Enabled && w.Mode == WanMode.Bond))
            {
                errors.Add($"rules[{i}].action", "bond needs at least one enabled WAN in bond mode");
            }
        }
        var hub = config.Settings.Hub ?? new HubPeerSettings();
        if (string.IsNullOrEmpty(hub.Address))
        {
            errors.Add("settings.hub.address", "bonding needs the hub's address");
        }
        if (string.IsNullOrEmpty(hub.EdgeId))
        {
            errors.Add("settings.hub.edgeId", "bonding needs this edge's id at the hub");
        }
        if (string.IsNullOrEmpty(hub.Key))
        {
            errors.Add("settings.hub.key", "bonding needs the key shared with the hub");
        }
    }
}
