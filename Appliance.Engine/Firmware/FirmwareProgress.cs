namespace Appliance.Engine.Firmware;

/// <summary>A step of a firmware upload, check or install, as the UI and SignalR clients see it.</summary>
/// <param name="Operation">uploading, checking, installing, installed, failed, rebooting.</param>
/// <param name="Percent">0–100 for the current operation.</param>
/// <param name="Message">What is being done, in the installer's words.</param>
/// <param name="Error">Why it failed; null unless <paramref name="Operation"/> is failed.</param>
public sealed record FirmwareProgress(DateTimeOffset Time, string Operation, int Percent, string Message, string? Error = null);
