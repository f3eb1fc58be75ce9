namespace Appliance.Engine.FirmwareSlots;

/// <summary>One slot as RAUC reports it (GetSlotStatus); absent keys are null.</summary>
/// <param name="Name">rootfs.0, rootfs.1.</param>
/// <param name="State">booted, active or inactive.</param>
/// <param name="BootStatus">good or bad, as the bootloader holds it.</param>
public sealed record RaucSlot(
    string Name,
    string? Class,
    string? BootName,
    string? State,
    string? BootStatus,
    string? Device,
    string? BundleVersion,
    string? BundleCompatible,
    string? InstalledAt,
    string? Status);
