namespace Appliance.Engine.Telemetry;

/// <summary>How well bonding uses its links: relayed payload per second against the busiest single bonded link.</summary>
public static class BondingRates
{
    /// <summary>Below this (1 kB/s) the relay is idle: keep-alives and handshakes would give a meaningless ratio.</summary>
    public const long IdleBitsPerSecond = 8_000;

    /// <summary>Relayed bytes (both directions) between two readings as bits per second; a counter that went back restarts from zero.</summary>
    public static long Goodput(long bytesBefore, long bytesNow, double seconds)
    {
        if (seconds <= 0)
        {
            return 0;
        }
        var delta = bytesNow >= bytesBefore ? bytesNow - bytesBefore : bytesNow;
        return (long)(delta * 8 / seconds);
    }

    /// <summary>
    /// Goodput over the busiest bonded link's rx+tx rate: 1 means bonding moved what one link could, above 1 it beats
    /// the best single link. Null when idle or when no bonded link carried anything.
    /// </summary>
    public static double? Efficiency(long goodputBitsPerSecond, IEnumerable<long> bondedLinkBitsPerSecond)
    {
        if (goodputBitsPerSecond < IdleBitsPerSecond)
        {
            return null;
        }
        var busiest = bondedLinkBitsPerSecond.DefaultIfEmpty(0).Max();
        return busiest <= 0 ? null : Math.Round((double)goodputBitsPerSecond / busiest, 3);
    }
}
