namespace Appliance.Engine.Configuration;

/// <summary>One internet uplink and how the appliance uses it.</summary>
public sealed record WanLink
{
    /// <summary>Slug that names the WAN everywhere (API paths, rules, routing tables).</summary>
    public string Name { get; init; } = "";
    /// <summary>Linux interface name of the uplink.</summary>
    public string Interface { get; init; } = "";
    public WanMode Mode { get; init; } = WanMode.Balance;
    /// <summary>Share of new sessions inside its tier, 1–1000.</summary>
    public int Weight { get; init; } = 1;
    /// <summary>Priority tier, 1 (best) to 9; a tier is used only while no better tier has a usable link.</summary>
    public int Tier { get; init; } = 1;
    /// <summary>Next-hop address, or <c>dhcp</c> for a gateway learned from the interface.</summary>
    public string Gateway { get; init; } = "dhcp";
    public bool Enabled { get; init; } = true;
    public FailbackPolicy Failback { get; init; } = FailbackPolicy.Keep;
    public ProbeSettings Probes { get; init; } = new();
    /// <summary>How the WAN gets its address; null (a WAN stored before addressing existed) means <see cref="WanAddressing.Implied"/>.</summary>
    public WanAddressing? Addressing { get; init; }

    /// <summary>The addressing in force: the configured one, or the one implied by the gateway. Computed, never stored or sent.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public WanAddressing EffectiveAddressing => Addressing ?? WanAddressing.Implied(this);

    public const string DhcpGateway = "dhcp";
}
