using Appliance.Engine.Planning;

namespace Appliance.Engine.Bonding;

/// <summary>The bonding plan now in the kernel, handed from the reconciler to the relay.</summary>
/// <remarks>The relay reads it per session: a session always starts on paths whose endpoints and routes exist.</remarks>
public sealed class BondingPlanFeed
{
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile BondingPlan? _current;

    public BondingPlan? Current => _current;

    public void Set(BondingPlan? plan)
    {
        _current = plan;
        if (plan is not null)
        {
            _first.TrySetResult();
        }
    }

    /// <summary>Completes once a plan with bonding has been applied; an appliance that never bonds never gets past it.</summary>
    public Task FirstPlanAsync(CancellationToken ct) => _first.Task.WaitAsync(ct);
}
