namespace Appliance.Engine.Firmware;

/// <summary>What checking an uploaded bundle found: installable (<see cref="Refusal"/> null) or refused, and why.</summary>
public sealed record FirmwareCheck(string FileName, long Bytes, string? Compatible, string? Version, string? Refusal)
{
    public bool Installable => Refusal is null;
}
