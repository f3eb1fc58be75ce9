namespace Appliance.Engine.Bonding;

/// <summary>The hub answered, and its answer was no.</summary>
public sealed class HubRefusedException(HubResult result) : Exception(Describe(result))
{
    public HubResult Result { get; } = result;

    private static string Describe(HubResult result) => result switch
    {
        HubResult.Refused => "The hub reached the destination but it refused the connection",
        HubResult.Unreachable => "The hub has no route to the destination",
        HubResult.Timeout => "The hub's connection to the destination timed out",
        HubResult.Busy => "The hub refused the session: this edge is at its concurrent session limit",
        HubResult.Denied => "The hub denied this edge: its id is unknown or disabled there, or the key does not match",
        HubResult.NotPermitted => "The hub does not relay to this destination (its own, private, link-local, loopback or another address it refuses unless allowed)",
        HubResult.EncryptionMismatch => "The edge's encryption setting does not match the hub's registration of the edge",
        _ => $"The hub refused the session ({result})",
    };
}
