namespace Appliance.Engine.Configuration.Validation;

/// <summary>Checks every rule's match and action, and that the WANs it names exist.</summary>
public sealed class RuleValidator : IConfigValidator
{
    /// <summary>Each rule is a line of the ruleset every new session walks; a thousand is far past any real site.</summary>
    public const int MaxRules = 1000;

    public const int MaxDescriptionLength = 200;

    public void Validate(ApplianceConfig config, ValidationPurpose purpose, ValidationErrors errors)
    {
        // The count is in the message: an edit that adds one more rule to a list already over the cap is a new problem.
        if (config.Rules.Count > MaxRules)
        {
            errors.Add("rules", $"may hold at most {MaxRules} rules ({config.Rules.Count} given)");
        }
        var wanNames = config.Wans.Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        var ids = new HashSet<int>();
        for (var i = 0; i < config.Rules.Count; i++)
        {
            var rule = config.Rules[i];
            var at = $"rules[{i}]";
            if (rule.Id < 0 || (rule.Id > 0 && !ids.Add(rule.Id)))
            {
                errors.Add($"{at}.id", $"id {rule.Id} is not unique");
            }
            if (FieldRules.FreeTextError(rule.Description, MaxDescriptionLength) is { } descriptionError)
            {
                errors.Add($"{at}.description", descriptionError);
            }
            if (!Enum.IsDefined(rule.Protocol))
            {
                errors.Add($"{at}.protocol", "must be any, tcp, udp or icmp");
            }
            CheckCidr(rule.Source, $"{at}.source", errors);
            CheckCidr(rule.Destination, $"{at}.destination", errors);
            if (FieldRules.TryParseCidr(rule.Source, out var source) && FieldRules.TryParseCidr(rule.Destination, out var destination) &&
                source.BaseAddress.AddressFamily != destination.BaseAddress.AddressFamily)
            {
                errors.Add($"{at}.destination", "must be of the same address family as source");
            }
            if (rule.DestinationPorts is not null)
            {
                if (rule.Protocol is not (RuleProtocol.Tcp or RuleProtocol.Udp))
                {
                    errors.Add($"{at}.destinationPorts", "ports need protocol tcp or udp");
                }
                else if (FieldRules.ParsePorts(rule.DestinationPorts, out var portError) is null)
                {
                    errors.Add($"{at}.destinationPorts", portError!);
                }
            }
            ValidateAction(rule, at, wanNames, errors);
        }
    }

    private static void ValidateAction(Rule rule, string at, HashSet<string> wanNames, ValidationErrors errors)
    {
        switch (rule.Action)
        {
            case RuleAction.Pin when string.IsNullOrEmpty(rule.Wan):
                errors.Add($"{at}.wan", "a pin rule must name the WAN it pins to");
                break;
            case RuleAction.Pin when !wanNames.Contains(rule.Wan):
                errors.Add($"{at}.wan", $"WAN '{FieldRules.Shown(rule.Wan)}' does not exist");
                break;
            case RuleAction.Balance or RuleAction.Bond when rule.Wan is not null:
                errors.Add($"{at}.wan", "only pin rules name a WAN");
                break;
            case not (RuleAction.Balance or RuleAction.Pin or RuleAction.Bond):
                errors.Add($"{at}.action", "must be balance, pin or bond");
                break;
        }
        // Outside the switch: a bond rule that also names a WAN must report both problems.
        if (rule.Action == RuleAction.Bond && rule.Protocol is RuleProtocol.Udp or RuleProtocol.Icmp)
        {
            errors.Add($"{at}.protocol", "bonding carries TCP only; use protocol tcp or any");
        }
        if (!Enum.IsDefined(rule.Sticky))
        {
            errors.Add($"{at}.sticky", "must be none, source or source-destination");
        }
        else if (rule.Sticky != StickyMode.None && rule.Action != RuleAction.Balance)
        {
            errors.Add($"{at}.sticky", "only balance rules can be sticky");
        }
        if (rule.Strict && rule.Action != RuleAction.Pin)
        {
            errors.Add($"{at}.strict", "only pin rules can be strict");
        }
    }

    private static void CheckCidr(string? value, string path, ValidationErrors errors)
    {
        if (value is not null && !FieldRules.TryParseCidr(value, out _))
        {
            errors.Add(path, $"'{FieldRules.Shown(value)}' is not a network in CIDR notation with no host bits set (e.g. 198.51.100.0/24)");
        }
    }
}
