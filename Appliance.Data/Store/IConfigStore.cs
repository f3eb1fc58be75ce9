using Appliance.Engine.Configuration;

namespace Appliance.Data.Store;

/// <summary>
/// The pending configuration as a whole: its settings, the document export and import work on, how it stands against
/// what runs, and who hears of edits. Its WANs and rules have stores of their own (<see cref="IWanStore"/>, <see cref="IRuleStore"/>).
/// </summary>
public interface IConfigStore
{
    Task<Versioned<ApplianceSettings>> GetSettingsAsync(CancellationToken ct = default);
    Task<Versioned<ApplianceSettings>> UpdateSettingsAsync(ApplianceSettings settings, long? expectedVersion, ChangeContext who, CancellationToken ct = default);

    /// <summary>The ports' roles; they are stored with the settings and share their version.</summary>
    Task<Versioned<IReadOnlyList<PortConfig>>> GetPortsAsync(CancellationToken ct = default);
    Task<Versioned<IReadOnlyList<PortConfig>>> UpdatePortsAsync(IReadOnlyList<PortConfig> ports, long? expectedVersion, ChangeContext who, CancellationToken ct = default);

    /// <summary>The whole pending configuration (what export returns).</summary>
    Task<ApplianceConfig> GetPendingAsync(CancellationToken ct = default);
    Task<PendingStatus> GetPendingStatusAsync(CancellationToken ct = default);
    /// <summary>Replaces the pending configuration after validating all of it; changes nothing when invalid.</summary>
    Task ImportAsync(ApplianceConfig config, ChangeContext who, CancellationToken ct = default);

    /// <summary>
    /// Called after every committed change to the pending copy or to a revision (from the API, the UI, an import,
    /// a revert), so every open view of it can refresh; dispose the result to stop.
    /// </summary>
    IDisposable SubscribeEdits(Action onEdited);
}
