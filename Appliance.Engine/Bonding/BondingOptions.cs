namespace Appliance.Engine.Bonding;

/// <summary>Limits of the bonding relay, edge and hub (section <c>Appliance:Engine:Bonding</c>).</summary>
public sealed class BondingOptions
{
    public const string Section = "Appliance:Engine:Bonding";

    /// <summary>Hub: an edge that has not completed its handshake by then is disconnected. Edge: the same for connecting to the hub.</summary>
    public int HandshakeTimeoutMs { get; set; } = 5000;

    /// <summary>Hub: connections still in their handshake; more are closed at once (a flood cannot exhaust the hub).</summary>
    public int MaxPendingHandshakes { get; set; } = 256;

    /// <summary>Hub: handshakes in progress from one source (an IPv4 address, an IPv6 /64); more from it are closed at once.</summary>
    public int MaxPendingHandshakesPerSource { get; set; } = 8;

    /// <summary>Hub: how long the onward connection to the destination may take. Edge: the same for a balanced fallback.</summary>
    public int ConnectTimeoutMs { get; set; } = 10000;

    /// <summary>Hub: where its TLS certificate is kept (created on first use); the host puts it in the data directory.</summary>
    public string CertificatePath { get; set; } = "hub-tls.pfx";

    /// <summary>Sessions the relay holds at once, all edges together (hub) or bonded and fallback together (edge).</summary>
    public int MaxRelayedSessions { get; set; } = 65536;

    /// <summary>Edge: bonded sessions at once; beyond it new sessions are balanced over the same WANs instead.</summary>
    public int MaxBondedSessions { get; set; } = 16384;

    /// <summary>Buffer memory all sessions of the relay share (bytes); a direction holds 64 KiB of it only while it moves data.</summary>
    public long BufferBudgetBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>TCP keepalive on every relayed socket: the first probe after this much silence (seconds).</summary>
    public int KeepAliveIdleSeconds { get; set; } = 60;

    /// <summary>TCP keepalive: seconds between unanswered probes.</summary>
    public int KeepAliveIntervalSeconds { get; set; } = 10;

    /// <summary>TCP keepalive: unanswered probes after which the connection is dead.</summary>
    public int KeepAliveProbes { get; set; } = 6;

    /// <summary>A session that moved no byte either way for this long is closed (seconds), whatever keepalive says.</summary>
    public int IdleTimeoutSeconds { get; set; } = 7200;

    /// <summary>Hub: how often its own addresses are read again (seconds); they are also read when the configuration changes.</summary>
    public int OwnAddressRefreshSeconds { get; set; } = 30;

    /// <summary>How long a relay that could not start (a port in use, an unreadable certificate) waits before it tries again, at most (ms).</summary>
    public int MaxRetryDelayMs { get; set; } = 30000;
}
