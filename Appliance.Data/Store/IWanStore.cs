using Appliance.Engine.Configuration;

namespace Appliance.Data.Store;

/// <summary>The WANs of the pending configuration. Every change is validated against the whole pending copy and audited.</summary>
public interface IWanStore
{
    Task<IReadOnlyList<Versioned<WanLink>>> ListAsync(CancellationToken ct = default);
    Task<Versioned<WanLink>> GetAsync(string name, CancellationToken ct = default);
    Task<Versioned<WanLink>> CreateAsync(WanLink wan, ChangeContext who, CancellationToken ct = default);
    /// <summary>Replaces the WAN named <paramref name="name"/>; a name cannot change (rules and history refer to it).</summary>
    Task<Versioned<WanLink>> UpdateAsync(string name, WanLink wan, long? expectedVersion, ChangeContext who, CancellationToken ct = default);
    /// <summary>Removes a WAN no rule refers to.</summary>
    Task DeleteAsync(string name, long? expectedVersion, ChangeContext who, CancellationToken ct = default);
}
