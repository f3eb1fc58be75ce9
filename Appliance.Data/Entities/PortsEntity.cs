using Appliance.Engine.Configuration;

namespace Appliance.Data.Entities;

/// <summary>The single row of the pending port roles: one document, edited as a whole like the settings.</summary>
public sealed class PortsEntity
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public IReadOnlyList<PortConfig> Ports { get; set; } = [];
    public long Version { get; set; }
}
