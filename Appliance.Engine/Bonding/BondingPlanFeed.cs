using Appliance.Engine.Planning;

namespace Appliance.Engine.Bonding;

/// <summary>The bonding plan now in the kernel, handed from the reconciler to the relay.</summary>
/// <remarks>The relay reads it per session: a session always starts on paths whose endpoints and routes exist.</remarks>
public sealed class BondingPlanFeed
{
    private volatile BondingPlan? _current;

    public BondingPlan? Current => _current;

    public void Set(BondingPlan? plan) => _current = plan;
}
