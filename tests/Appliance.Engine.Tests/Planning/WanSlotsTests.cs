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

    [Fact]
    public void Every_slot_but_the_bond_slot_can_be_given_out()
    {
        var names = Enumerable.Range(0, WanSlots.Capacity).Select(i => $"wan-{i}").ToList();

        var slots = WanSlots.Assign(names);

        Assert.Equal(WanSlots.Capacity, slots.Values.Distinct().Count());
        Assert.DoesNotContain(KernelIds.BondSlot, slots.Values);
    }

    [Fact]
    public async Task More_names_than_slots_fail_at_once_instead_of_probing_forever()
    {
        var ct = TestContext.Current.CancellationToken;
        var names = Enumerable.Range(0, WanSlots.Capacity + 1).Select(i => $"wan-{i}").ToList();

        // Bounded: before the check this never returned; a timeout fails the test instead of hanging it.
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Task.Run(() => WanSlots.Assign(names), ct).WaitAsync(TimeSpan.FromSeconds(30), ct));

        Assert.Contains($"{WanSlots.Capacity + 1} WANs", error.Message, StringComparison.Ordinal);
    }
}
