namespace Appliance.Engine.Firmware;

/// <summary>What became of marking the booted slot good this boot, for the firmware page and the API.</summary>
/// <param name="State">waiting (not healthy yet), marked, gave-up (left to the bootloader), failed (RAUC refused), unavailable (no RAUC).</param>
/// <param name="Detail">What is missing, RAUC's answer, or why nothing was done.</param>
public sealed record BootMarkState(string State, string Detail, DateTimeOffset At);

/// <summary>Holds the mark-good outcome of this boot; written by <see cref="MarkGoodService"/> only.</summary>
public sealed class BootMark
{
    private volatile BootMarkState? _current;

    public BootMarkState? Current => _current;

    internal void Set(string state, string detail, DateTimeOffset at) => _current = new BootMarkState(state, detail, at);
}
