namespace Appliance.Engine.Configuration;

/// <summary>The whole configuration as one document: what is exported, imported and stored per revision.</summary>
public sealed record ApplianceConfig
{
    /// <summary>Document format version, for imports from older firmware.</summary>
    public int Version { get; init; } = CurrentVersion;
    /// <summary>The box's physical ports and their roles.</summary>
    public IReadOnlyList<PortConfig> Ports { get; init; } = [];
    public IReadOnlyList<WanLink> Wans { get; init; } = [];
    /// <summary>Rules in evaluation order.</summary>
    public IReadOnlyList<Rule> Rules { get; init; } = [];
    public ApplianceSettings Settings { get; init; } = new();

    /// <summary>2 added ports, WAN addressing and the LAN's DHCP and DNS; a version 1 document reads as one with none of them.</summary>
    public const int CurrentVersion = 2;

    public static ApplianceConfig Empty { get; } = new();
}

/// <summary>An applied configuration the engine runs, with the revision it came from.</summary>
public sealed record ConfigSnapshot(long RevisionId, ApplianceConfig Config, DateTimeOffset AppliedAt)
{
    /// <summary>Nothing applied yet: the engine runs with no WANs and touches nothing.</summary>
    public static ConfigSnapshot None { get; } = new(0, ApplianceConfig.Empty, DateTimeOffset.MinValue);
}
