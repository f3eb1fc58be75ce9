using Appliance.Engine.Telemetry;

namespace Appliance.Engine.Tests.Telemetry;

public sealed class BondingRatesTests
{
    [Fact]
    public void Goodput_is_the_relayed_bytes_per_second_in_bits()
    {
        Assert.Equal(8_000_000, BondingRates.Goodput(1_000_000, 2_000_000, 1.0));
        Assert.Equal(4_000_000, BondingRates.Goodput(1_000_000, 2_000_000, 2.0));
    }

    [Fact]
    public void A_counter_that_went_back_counts_from_zero_and_no_elapsed_time_gives_zero()
    {
        Assert.Equal(800, BondingRates.Goodput(5_000, 100, 1.0));
        Assert.Equal(0, BondingRates.Goodput(0, 100, 0));
    }

    [Fact]
    public void Efficiency_compares_goodput_with_the_busiest_bonded_link()
    {
        Assert.Equal(1.5, BondingRates.Efficiency(30_000_000, [20_000_000, 10_000_000]));
    }

    [Fact]
    public void Efficiency_is_null_when_idle_or_when_no_link_carried_anything()
    {
        Assert.Null(BondingRates.Efficiency(BondingRates.IdleBitsPerSecond - 1, [20_000_000]));
        Assert.Null(BondingRates.Efficiency(1_000_000, [0, 0]));
        Assert.Null(BondingRates.Efficiency(1_000_000, []));
    }
}
