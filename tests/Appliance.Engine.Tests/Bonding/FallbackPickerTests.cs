using Appliance.Engine.Bonding;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Tests.Bonding;

/// <summary>The WAN a session the bond cannot take is balanced over: by weight, and none when no WAN takes sessions.</summary>
public sealed class FallbackPickerTests
{
    [Fact]
    public void Draws_split_by_weight()
    {
        FallbackWan[] wans = [new("wan1", 0x10000, 3), new("wan2", 0x20000, 1)];

        var picks = Enumerable.Range(0, 400).Select(draw => FallbackPicker.Pick(wans, draw)!.Wan).ToList();

        Assert.Equal(300, picks.Count(w => w == "wan1"));
        Assert.Equal(100, picks.Count(w => w == "wan2"));
    }

    [Fact]
    public void No_wan_means_no_pick() => Assert.Null(FallbackPicker.Pick([], 7));

    [Fact]
    public void Any_draw_picks_a_wan() =>
        Assert.Equal("wan2", FallbackPicker.Pick([new("wan1", 0x10000, 1), new("wan2", 0x20000, 1)], int.MaxValue)!.Wan);
}
