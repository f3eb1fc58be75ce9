using Appliance.Engine.Configuration;

namespace Appliance.Data.Store;

/// <summary>The traffic rules of the pending configuration, in evaluation order. Every change is validated and audited.</summary>
public interface IRuleStore
{
    Task<IReadOnlyList<Versioned<Rule>>> ListAsync(CancellationToken ct = default);
    Task<Versioned<Rule>> GetAsync(int id, CancellationToken ct = default);
    /// <summary>Adds a rule at <paramref name="position"/> (0 = first), or last when null.</summary>
    Task<Versioned<Rule>> CreateAsync(Rule rule, int? position, ChangeContext who, CancellationToken ct = default);
    /// <summary>Replaces a rule and, when <paramref name="position"/> is given, moves it there.</summary>
    Task<Versioned<Rule>> UpdateAsync(int id, Rule rule, int? position, long? expectedVersion, ChangeContext who, CancellationToken ct = default);
    Task DeleteAsync(int id, long? expectedVersion, ChangeContext who, CancellationToken ct = default);
}
