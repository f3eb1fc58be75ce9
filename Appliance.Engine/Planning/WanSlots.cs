namespace Appliance.Engine.Planning;

/// <summary>Gives every WAN a slot (mark and table) derived from its name alone.</summary>
/// <remarks>
/// Connection marks outlive a configuration change: an index-based number would re-point live sessions
/// to another WAN when a WAN is added or removed. A hash of the name does not move; collisions are
/// resolved by probing in name order, which keeps them stable too unless the colliding WAN changes.
/// </remarks>
public static class WanSlots
{
    /// <summary>Slots 1 to <see cref="KernelIds.MaxSlot"/>, less the bond slot.</summary>
    public const int Capacity = KernelIds.MaxSlot - 1;

    /// <exception cref="ArgumentException">More distinct names than slots: probing for a free slot would never end.</exception>
    public static IReadOnlyDictionary<string, int> Assign(IEnumerable<string> names)
    {
        var distinct = names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (distinct.Count > Capacity)
        {
            throw new ArgumentException($"{distinct.Count} WANs do not fit in the {Capacity} marks and routing tables the appliance owns.", nameof(names));
        }
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = new HashSet<int>();
        foreach (var name in distinct)
        {
            var slot = (int)(Fnv1a(name) % KernelIds.MaxSlot) + 1;
            while (slot == KernelIds.BondSlot || !taken.Add(slot))
            {
                slot = slot % KernelIds.MaxSlot + 1;
            }
            slots[name] = slot;
        }
        return slots;
    }

    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }
}
