namespace Appliance.Engine.Bonding;

/// <summary>Limits of the bonding relay, edge and hub (section <c>Appliance:Engine:Bonding</c>).</summary>
public sealed class BondingOptions
{
    public const string Section = "Appliance:Engine:Bonding";

    /// <summary>Hub: an edge that has not completed its handshake by then is disconnected. Edge: the same for connecting to the hub.</summary>
    public int HandshakeTimeoutMs { get; set; } = 5000;

    /// <summary>Hub: connections still in their handshake; more are closed at once (a flood cannot exhaust the hub).</summary>
    public int MaxPendingHandshakes { get; set; } = 256;

    /// <summary>Hub: how long the onward connection to the destination may take.</summary>
    public int ConnectTimeoutMs { get; set; } = 10000;

    /// <summary>Hub: where its TLS certificate is kept (created on first use); the host puts it in the data directory.</summary>
    public string CertificatePath { get; set; } = "hub-tls.pfx";
}
