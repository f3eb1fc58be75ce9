using Appliance.Engine.Planning;

namespace Appliance.Engine.Tests.Planning;

public class WanSlotsTests
{
    [Fact]
    public void A_wans_slot_does_not_move_when_other_wans_are_added_or_removed()
    {
        var before = WanSlots.Assign(["dsl", "cable", "lte"]);
        var after = WanSlots.Assign(["cable", "lte", "starlink", "fiber"]);
        Assert.Equal(before["cable"], after["cable"]);
        Assert.Equal(before["lte"], after["lte"]);
    }

    [Fact]
    public void Slots_are_unique_and_within_the_mark_range_for_many_wans()
    {
        var names = Enumerable.Range(0, 500).Select(i => $"wan-{i}").ToList();
        var slots = WanSlots.Assign(names);
        Assert.Equal(names.Count, slots.Values.Distinct().Count());
        Assert.All(slots.Values, s => Assert.InRange(s, 1, KernelIds.MaxSlot));
        Assert.All(slots.Values, s => Assert.Equal(0u, KernelIds.MarkOf(s) & ~KernelIds.MarkMask));
    }
}
