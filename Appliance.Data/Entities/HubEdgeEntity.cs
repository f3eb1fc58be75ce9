namespace Appliance.Data.Entities;

/// <summary>An edge the hub accepts. Not part of the configuration revisions: a change takes effect at once.</summary>
public sealed class HubEdgeEntity
{
    /// <summary>The id the edge presents when it connects (a lowercase slug).</summary>
    public string Id { get; set; } = "";
    /// <summary>The shared secret, kept in clear: the hub needs it to check the edge's proof.</summary>
    public string Key { get; set; } = "";
    public string Description { get; set; } = "";
    public bool Enabled { get; set; }
    public bool Encrypt { get; set; }
    public int MaxSessions { get; set; }
    /// <summary>CIDRs the hub may reach for this edge although it refuses them by default (canonical text, e.g. 10.20.0.0/16).</summary>
    public List<string> AllowedDestinations { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
