using Appliance.Engine.Configuration;

namespace Appliance.Data.Entities;

/// <summary>The single row of pending appliance settings.</summary>
public sealed class SettingsEntity
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public ApplianceSettings Settings { get; set; } = new();
    public long Version { get; set; }
}
