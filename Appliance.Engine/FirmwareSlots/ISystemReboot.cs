namespace Appliance.Engine.FirmwareSlots;

/// <summary>Reboots the machine (and so the slot RAUC made primary).</summary>
public interface ISystemReboot
{
    Task RebootAsync(CancellationToken ct);
}
