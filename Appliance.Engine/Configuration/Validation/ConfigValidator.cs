namespace Appliance.Engine.Configuration.Validation;

/// <summary>Runs every validator and collects all errors, not just the first.</summary>
public sealed class ConfigValidator(IEnumerable<IConfigValidator> validators)
{
    private readonly IConfigValidator[] _validators = validators.ToArray();

    /// <summary>The validators the appliance ships with.</summary>
    public static ConfigValidator Default { get; } =
        new([
            new WanValidator(), new WanAddressingValidator(), new RuleValidator(), new SettingsValidator(), new PortValidator(),
            new LanValidator(), new LanDhcpValidator(), new ApplyReadinessValidator(),
        ]);

    public ValidationErrors Validate(ApplianceConfig config, ValidationPurpose purpose)
    {
        var errors = new ValidationErrors();
        if (config.Version is < 1 or > ApplianceConfig.CurrentVersion)
        {
            errors.Add("version", $"format version {config.Version} is not supported (expected 1 to {ApplianceConfig.CurrentVersion})");
        }
        if (config.Wans is null || config.Rules is null || config.Ports is null)
        {
            errors.Add(config.Wans is null ? "wans" : config.Rules is null ? "rules" : "ports", "is required");
            return errors;
        }
        // A null item ("wans": [null]) would fail every validator below; report it like a missing list.
        var nullItems = config.Wans.Select((w, i) => (Item: (object?)w, Path: $"wans[{i}]"))
            .Concat(config.Rules.Select((r, i) => (Item: (object?)r, Path: $"rules[{i}]")))
            .Concat(config.Ports.Select((p, i) => (Item: (object?)p, Path: $"ports[{i}]")))
            .Where(x => x.Item is null).ToList();
        if (nullItems.Count > 0)
        {
            nullItems.ForEach(x => errors.Add(x.Path, "is required"));
            return errors;
        }
        foreach (var validator in _validators)
        {
            validator.Validate(config, purpose, errors);
        }
        return errors;
    }
}
