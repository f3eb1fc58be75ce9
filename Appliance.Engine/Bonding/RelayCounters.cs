namespace Appliance.Engine.Bonding;

/// <summary>Bytes a relay has moved so far, for live telemetry; written with <see cref="Interlocked"/>, read with <see cref="Interlocked.Read(ref readonly long)"/>.</summary>
public sealed class RelayCounters
{
    private long _up;
    private long _down;

    /// <summary>From the first end to the second (edge → destination on the hub).</summary>
    public long Up => Interlocked.Read(ref _up);

    /// <summary>From the second end to the first.</summary>
    public long Down => Interlocked.Read(ref _down);

    public void AddUp(long bytes) => Interlocked.Add(ref _up, bytes);

    public void AddDown(long bytes) => Interlocked.Add(ref _down, bytes);
}
