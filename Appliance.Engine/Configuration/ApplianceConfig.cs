namespace Appliance.Engine.Configuration;

/// <summary>The whole configuration as one document: what is exported, imported and stored per revision.</summary>
public sealed record ApplianceConfig
{
    /// <summary>Document format version, for imports from older firmware.</summary>
    public int Version { get; init; } = CurrentVersion;
    public IReadOnlyList<WanLink> Wans { get; init; } = [];
    /// <summary>Rules in evaluation order.</summary>
    public IReadOnlyList<Rule> Rules { get; init; } = [];
    public ApplianceSettings Settings { get; init; } = new();

    public const int CurrentVersion = 1;

    public static ApplianceConfig Empty { get; } = new();
}

/// <summary>An applied configuration the engine runs, with the revision it came from.</summary>
public sealed record ConfigSnapshot(long RevisionId, ApplianceConfig Config, DateTimeOffset AppliedAt)
{
    /// <summary>Nothing applied yet: the engine runs with no WANs and touches nothing.</summary>
    public static ConfigSnapshot None { get; } = new(0, ApplianceConfig.Empty, DateTimeOffset.MinValue);
}
