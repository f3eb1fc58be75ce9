namespace Appliance.Engine.FirmwareSlots;

/// <summary>The installer's state: what it is, where it booted from, what it is doing.</summary>
/// <param name="BootSlot">The bootname the system booted (A or B).</param>
/// <param name="Primary">The slot the bootloader starts next.</param>
public sealed record RaucStatus(
    string Compatible,
    string BootSlot,
    string? Primary,
    string Operation,
    RaucProgress Progress,
    string LastError,
    IReadOnlyList<RaucSlot> Slots);

/// <summary>A step of RAUC's Progress property (isi: percent, message, nesting depth).</summary>
public sealed record RaucProgress(int Percent, string Message, int Depth);

/// <summary>What Info found in a bundle whose signature verified.</summary>
public sealed record RaucBundleInfo(string Compatible, string Version);
