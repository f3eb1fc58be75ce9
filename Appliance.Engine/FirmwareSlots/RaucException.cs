namespace Appliance.Engine.FirmwareSlots;

/// <summary>The installer refused or failed; <see cref="Exception.Message"/> is fit to show an admin.</summary>
public class RaucException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>No installer answers on the bus (a development machine, or the service is down).</summary>
public sealed class RaucUnavailableException(string message, Exception? inner = null) : RaucException(message, inner);
