using Appliance.Engine.Network;

namespace Appliance.Engine.Status;

/// <summary>Adds what the network services know to the engine's status: each WAN's addressing and the ports.</summary>
public static class NetworkStatus
{
    public static EngineStatus WithNetwork(this EngineStatus status, IReadOnlyDictionary<string, WanAddressState> addressing, IReadOnlyList<PortState> ports) =>
        status with
        {
            Wans = status.Wans.Select(w => w with { Addressing = addressing.GetValueOrDefault(w.Name) }).ToList(),
            Ports = ports,
        };
}
