namespace Appliance.Engine.Configuration;

/// <summary>An ordered traffic rule: the first enabled rule that matches a new session decides its path.</summary>
public sealed record Rule
{
    /// <summary>Stable id; order is the rule's position in the list, not its id.</summary>
    public int Id { get; init; }
    public string Description { get; init; } = "";
    public bool Enabled { get; init; } = true;
    public RuleProtocol Protocol { get; init; } = RuleProtocol.Any;
    /// <summary>Source CIDR, or null for any.</summary>
    public string? Source { get; init; }
    /// <summary>Destination CIDR, or null for any.</summary>
    public string? Destination { get; init; }
    /// <summary>Destination ports, e.g. "80,443,8000-8100" (TCP/UDP only), or null for any.</summary>
    public string? DestinationPorts { get; init; }
    public RuleAction Action { get; init; } = RuleAction.Balance;
    /// <summary>The WAN a <see cref="RuleAction.Pin"/> rule sends sessions to.</summary>
    public string? Wan { get; init; }
    /// <summary>When a pinned WAN is not usable: false falls back to balancing, true blocks the session.</summary>
    public bool Strict { get; init; }
    public StickyMode Sticky { get; init; } = StickyMode.None;
}
