using Appliance.Engine.Configuration;

namespace Appliance.Data.Entities;

/// <summary>A traffic rule in the pending configuration; <see cref="Position"/> is its evaluation order.</summary>
public sealed class RuleEntity
{
    public int Id { get; set; }
    public int Position { get; set; }
    public string Description { get; set; } = "";
    public bool Enabled { get; set; }
    public RuleProtocol Protocol { get; set; }
    public string? Source { get; set; }
    public string? Destination { get; set; }
    public string? DestinationPorts { get; set; }
    public RuleAction Action { get; set; }
    public string? Wan { get; set; }
    public bool Strict { get; set; }
    public StickyMode Sticky { get; set; }
    public long Version { get; set; }

    public Rule ToModel() => new()
    {
        Id = Id, Description = Description, Enabled = Enabled, Protocol = Protocol, Source = Source,
        Destination = Destination, DestinationPorts = DestinationPorts, Action = Action, Wan = Wan,
        Strict = Strict, Sticky = Sticky,
    };

    public void CopyFrom(Rule rule)
    {
        Description = rule.Description ?? "";
        Enabled = rule.Enabled;
        Protocol = rule.Protocol;
        Source = rule.Source;
        Destination = rule.Destination;
        DestinationPorts = rule.DestinationPorts;
        Action = rule.Action;
        Wan = rule.Wan;
        Strict = rule.Strict;
        Sticky = rule.Sticky;
    }
}
