using Appliance.Engine.Configuration;

namespace Appliance.Data.Entities;

/// <summary>A WAN in the pending (editable) configuration.</summary>
public sealed class WanEntity
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Interface { get; set; } = "";
    public WanMode Mode { get; set; }
    public int Weight { get; set; }
    public int Tier { get; set; }
    public string Gateway { get; set; } = "";
    public bool Enabled { get; set; }
    public FailbackPolicy Failback { get; set; }
    public ProbeSettings Probes { get; set; } = new();
    /// <summary>Optimistic concurrency token, exposed to clients as the ETag.</summary>
    public long Version { get; set; }

    public WanLink ToModel() => new()
    {
        Name = Name, Interface = Interface, Mode = Mode, Weight = Weight, Tier = Tier,
        Gateway = Gateway, Enabled = Enabled, Failback = Failback, Probes = Probes,
    };

    public void CopyFrom(WanLink wan)
    {
        Name = wan.Name;
        Interface = wan.Interface;
        Mode = wan.Mode;
        Weight = wan.Weight;
        Tier = wan.Tier;
        Gateway = wan.Gateway;
        Enabled = wan.Enabled;
        Failback = wan.Failback;
        Probes = wan.Probes;
    }
}
