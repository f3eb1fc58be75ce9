using Appliance.Engine.Planning;

namespace Appliance.Engine.Bonding;

/// <summary>Picks the WAN a session the bond cannot take is balanced over: by weight, like the kernel's balancing.</summary>
public static class FallbackPicker
{
    /// <param name="draw">A random number, 0 or more; the same draw always picks the same WAN.</param>
    /// <returns>null when no WAN takes new sessions.</returns>
    public static FallbackWan? Pick(IReadOnlyList<FallbackWan> wans, int draw)
    {
        ArgumentNullException.ThrowIfNull(wans);
        ArgumentOutOfRangeException.ThrowIfNegative(draw);
        long total = wans.Sum(w => (long)Math.Max(0, w.Weight));
        if (total == 0)
        {
            return null;
        }
        var point = draw % total;
        foreach (var wan in wans)
        {
            point -= Math.Max(0, wan.Weight);
            if (point < 0)
            {
                return wan;
            }
        }
        return null;
    }
}
