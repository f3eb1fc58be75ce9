using Appliance.Engine.Configuration;

namespace Appliance.Web.Components.Config;

/// <summary>A rule as the form edits it: the model record itself, replaced with each field the form changes.</summary>
public sealed class RuleDraft
{
    private RuleDraft(Rule rule, long? version)
    {
        Rule = rule;
        Version = version;
    }

    public Rule Rule { get; set; }

    /// <summary>The version the draft was loaded at; null for a new rule.</summary>
    public long? Version { get; }

    public bool IsNew => Version is null;

    public static RuleDraft From(Rule rule, long? version) => new(rule, version);

    /// <summary>A new rule starts from the model's defaults.</summary>
    public static RuleDraft New() => From(new Rule(), null);

    /// <summary>The rule to store: text trimmed, empty match fields meaning "any", and only what its action uses.</summary>
    public Rule ToRule() => Rule with
    {
        Description = (Rule.Description ?? "").Trim(),
        Source = OrNull(Rule.Source),
        Destination = OrNull(Rule.Destination),
        DestinationPorts = OrNull(Rule.DestinationPorts),
        // Only a pin names a WAN; a leftover choice from switching actions would be refused by the store.
        Wan = Rule.Action == RuleAction.Pin ? OrNull(Rule.Wan) : null,
        Strict = Rule.Action == RuleAction.Pin && Rule.Strict,
        Sticky = Rule.Action == RuleAction.Balance ? Rule.Sticky : StickyMode.None,
    };

    private static string? OrNull(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
