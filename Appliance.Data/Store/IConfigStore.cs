using Appliance.Engine.Configuration;

namespace Appliance.Data.Store;

/// <summary>
/// The configuration: a pending copy that edits change, numbered revisions that apply turns it into,
/// and the running snapshot the engine follows. Mutations are serialised; every one is audited.
/// </summary>
public interface IConfigStore : IRunningConfigSource
{

    Task<IReadOnlyList<Versioned<WanLink>>> ListWansAsync(CancellationToken ct = default);
    Task<Versioned<WanLink>> GetWanAsync(string name, CancellationToken ct = default);
    Task<Versioned<WanLink>> CreateWanAsync(WanLink wan, ChangeContext who, CancellationToken ct = default);
    Task<Versioned<WanLink>> UpdateWanAsync(string name, WanLink wan, long? expectedVersion, ChangeContext who, CancellationToken ct = default);
    Task DeleteWanAsync(string name, long? expectedVersion, ChangeContext who, CancellationToken ct = default);

    Task<IReadOnlyList<Versioned<Rule>>> ListRulesAsync(CancellationToken ct = default);
    Task<Versioned<Rule>> GetRuleAsync(int id, CancellationToken ct = default);
    /// <summary>Adds a rule at <paramref name="position"/> (0 = first), or last when null.</summary>
    Task<Versioned<Rule>> CreateRuleAsync(Rule rule, int? position, ChangeContext who, CancellationToken ct = default);
    /// <summary>Replaces a rule and, when <paramref name="position"/> is given, moves it there.</summary>
    Task<Versioned<Rule>> UpdateRuleAsync(int id, Rule rule, int? position, long? expectedVersion, ChangeContext who, CancellationToken ct = default);
    Task DeleteRuleAsync(int id, long? expectedVersion, ChangeContext who, CancellationToken ct = default);

    Task<Versioned<ApplianceSettings>> GetSettingsAsync(CancellationToken ct = default);
    Task<Versioned<ApplianceSettings>> UpdateSettingsAsync(ApplianceSettings settings, long? expectedVersion, ChangeContext who, CancellationToken ct = default);

    /// <summary>The whole pending configuration (what export returns).</summary>
    Task<ApplianceConfig> GetPendingAsync(CancellationToken ct = default);
    Task<PendingStatus> GetPendingStatusAsync(CancellationToken ct = default);
    /// <summary>Replaces the pending configuration after validating all of it; changes nothing when invalid.</summary>
    Task ImportAsync(ApplianceConfig config, ChangeContext who, CancellationToken ct = default);

    Task<IReadOnlyList<RevisionInfo>> ListRevisionsAsync(CancellationToken ct = default);
    Task<RevisionDetail> GetRevisionAsync(long id, CancellationToken ct = default);
    /// <summary>Turns the pending configuration into a new running revision; with <paramref name="confirmSeconds"/> &gt; 0 it reverts unless confirmed.</summary>
    Task<RevisionInfo> ApplyAsync(string? comment, int confirmSeconds, ChangeContext who, CancellationToken ct = default);
    Task<RevisionInfo> ConfirmAsync(ChangeContext who, CancellationToken ct = default);
    /// <summary>Restores an earlier revision as a new revision (pending configuration included).</summary>
    Task<RevisionInfo> RollbackAsync(long revisionId, string? comment, int confirmSeconds, ChangeContext who, CancellationToken ct = default);

    /// <summary>
    /// Called after every committed change to the pending copy or to a revision (from the API, the UI, an import,
    /// a revert), so every open view of it can refresh; dispose the result to stop.
    /// </summary>
    IDisposable SubscribeEdits(Action onEdited);

    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit = 200, CancellationToken ct = default);
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken ct = default);
    /// <summary>Records an action that is not a configuration change (login, firmware, …).</summary>
    Task AuditAsync(ChangeContext who, string action, string target, string details, CancellationToken ct = default);
}
