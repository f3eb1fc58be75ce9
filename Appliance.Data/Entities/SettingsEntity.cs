using Appliance.Engine.Configuration;

namespace Appliance.Data.Entities;

/// <summary>The single row of pending appliance settings, with the ports' roles (they share its version).</summary>
public sealed class SettingsEntity
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public ApplianceSettings Settings { get; set; } = new();
    public List<PortConfig> Ports { get; set; } = [];
    public long Version { get; set; }
}
