using Appliance.Engine.Configuration;

namespace Appliance.Web.Components.Config;

/// <summary>A rule as the form edits it; empty text fields mean "any".</summary>
public sealed class RuleDraft
{
    public int Id { get; set; }
    public string Description { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public RuleProtocol Protocol { get; set; } = RuleProtocol.Any;
    public string? Source { get; set; }
    public string? Destination { get; set; }
    public string? DestinationPorts { get; set; }
    public RuleAction Action { get; set; } = RuleAction.Balance;
    public string? Wan { get; set; }
    public bool Strict { get; set; }
    public StickyMode Sticky { get; set; } = StickyMode.None;

    /// <summary>The version the draft was loaded at; null for a new rule.</summary>
    public long? Version { get; set; }

    public bool IsNew => Version is null;

    public static RuleDraft From(Rule rule, long? version) => new()
    {
        Id = rule.Id,
        Description = rule.Description,
        Enabled = rule.Enabled,
        Protocol = rule.Protocol,
        Source = rule.Source,
        Destination = rule.Destination,
        DestinationPorts = rule.DestinationPorts,
        Action = rule.Action,
        Wan = rule.Wan,
        Strict = rule.Strict,
        Sticky = rule.Sticky,
        Version = version,
    };

    public Rule ToRule() => new()
    {
        Id = Id,
        Description = Description.Trim(),
        Enabled = Enabled,
        Protocol = Protocol,
        Source = OrNull(Source),
        Destination = OrNull(Destination),
        DestinationPorts = OrNull(DestinationPorts),
        Action = Action,
        // Only a pin names a WAN; a leftover choice from switching actions would be refused by the store.
        Wan = Action == RuleAction.Pin ? OrNull(Wan) : null,
        Strict = Action == RuleAction.Pin && Strict,
        Sticky = Action == RuleAction.Balance ? Sticky : StickyMode.None,
    };

    private static string? OrNull(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
