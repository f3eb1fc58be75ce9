using Appliance.Web.Components.Dashboard;

namespace Appliance.Web.Tests.Components.Dashboard;

public sealed class FiguresTests
{
    [Theory]
    [InlineData(null, "—")]
    [InlineData(0L, "0 bit/s")]
    [InlineData(999L, "999 bit/s")]
    [InlineData(64_000L, "64.0 kbit/s")]
    [InlineData(12_500_000L, "12.5 Mbit/s")]
    [InlineData(2_340_000_000L, "2.34 Gbit/s")]
    public void Rates_are_written_in_decimal_bit_units(long? bps, string text) => Assert.Equal(text, Figures.BitRate(bps));

    [Theory]
    [InlineData(null, "—")]
    [InlineData(512L, "512 B")]
    [InlineData(1_500_000L, "1.5 MB")]
    [InlineData(3_210_000_000L, "3.21 GB")]
    public void Byte_counts_are_written_in_decimal_units(long? bytes, string text) => Assert.Equal(text, Figures.Bytes(bytes));

    [Fact]
    public void Unmeasured_figures_are_a_dash_never_zero()
    {
        Assert.Equal("—", Figures.Milliseconds(null));
        Assert.Equal("—", Figures.Percent(null));
        Assert.Equal("—", Figures.Count(null));
        Assert.Equal("—", Figures.Ratio(null));
        Assert.Equal("0 %", Figures.Percent(0));
        Assert.Equal("1.62×", Figures.Ratio(1.623));
    }
}
