namespace Appliance.Engine.FirmwareSlots;

/// <summary>The firmware installer (RAUC's de.pengutronix.rauc.Installer), behind a seam tests replace.</summary>
public interface IRaucInstaller
{
    /// <summary>Compatible, booted slot, primary, slots and the current operation.</summary>
    /// <exception cref="RaucUnavailableException">No installer on the bus.</exception>
    Task<RaucStatus> GetStatusAsync(CancellationToken ct);

    /// <summary>Verifies the bundle's signature and reads its manifest; nothing is written.</summary>
    /// <exception cref="RaucException">Not a bundle, truncated, untrusted or modified.</exception>
    Task<RaucBundleInfo> InfoAsync(string bundlePath, CancellationToken ct);

    /// <summary>Installs into the other slot and returns once RAUC reports completion.</summary>
    /// <exception cref="RaucException">RAUC's LastError when the install failed.</exception>
    Task InstallAsync(string bundlePath, Action<RaucProgress> progress, CancellationToken ct);

    /// <summary>Marks a slot good, bad or active ("booted", "other" or a slot name); returns RAUC's message.</summary>
    Task<string> MarkAsync(string state, string slotIdentifier, CancellationToken ct);
}
