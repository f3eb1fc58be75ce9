namespace Appliance.Engine.Health;

/// <summary>Whether the kernel holds what a probe through a WAN needs (its route out and its way back in).</summary>
public interface IProbeReadiness
{
    bool CanProbe(string wanInterface);
}
