using Appliance.Engine.Status;

namespace Appliance.Engine.Firmware;

/// <summary>
/// Whether the booted firmware works well enough to keep: the engine applied its config, and traffic has a way
/// out (a usable WAN; a hub listening; an edge connected to its hub). Only then is the slot marked good.
/// </summary>
public static class BootHealth
{
    /// <summary>Null when healthy, otherwise what is still missing, in an admin's words.</summary>
    public static string? Missing(EngineStatus status)
    {
        if (!status.Running || status.RevisionId <= 0 || status.LastApplied is null)
        {
            return $"the engine has not applied its configuration ({status.Message})";
        }
        if (status.Wans.Any(w => w.Usable))
        {
            return null;
        }
        return status.Bonding switch
        {
            { Role: "hub", State: "listening" } => null,
            { Role: "edge", State: "connected" } => null,
            { } bonding => $"no WAN is usable and the {bonding.Role}'s bonding is {bonding.State}",
            null => "no WAN is usable",
        };
    }
}
