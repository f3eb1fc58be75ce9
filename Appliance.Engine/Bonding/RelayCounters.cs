namespace Appliance.Engine.Bonding;

/// <summary>Bytes a relay has moved so far, for live telemetry; written with <see cref="Interlocked"/>, read with <see cref="Interlocked.Read(ref readonly long)"/>.</summary>
public sealed class RelayCounters
{
    /// <summary>From the first end to the second (edge → destination on the hub).</summary>
    public long Up;

    /// <summary>From the second end to the first.</summary>
    public long Down;
}
