namespace Appliance.Engine.Bonding;

/// <summary>The hub's answer to an edge, as one status byte on the wire.</summary>
public enum HubResult : byte
{
    /// <summary>Authenticated (ACCEPT) or connected onward (RESULT): go on.</summary>
    Ok = 0,

    /// <summary>The destination refused the hub's connection (RST).</summary>
    Refused = 1,

    /// <summary>The hub has no route to the destination.</summary>
    Unreachable = 2,

    /// <summary>The hub's connection to the destination timed out.</summary>
    Timeout = 3,

    /// <summary>The edge is at its concurrent session limit on the hub, or the hub at its own.</summary>
    Busy = 4,

    /// <summary>Unknown edge, disabled edge or wrong key.</summary>
    Denied = 5,

    /// <summary>The hub does not relay to this destination for this edge (see <see cref="DestinationPolicy"/>).</summary>
    NotPermitted = 6,

    /// <summary>The edge asked for (or against) TLS while the hub has it registered the other way.</summary>
    EncryptionMismatch = 7,
}
