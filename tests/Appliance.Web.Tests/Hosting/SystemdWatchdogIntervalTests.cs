using Appliance.Web.Hosting;

namespace Appliance.Web.Tests.Hosting;

public sealed class SystemdWatchdogIntervalTests
{
    [Fact]
    public void Pings_at_half_of_the_watchdog_timeout()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), SystemdWatchdogInterval.From("30000000", null, 42));
    }

    [Fact]
    public void A_watchdog_meant_for_this_process_counts_one_for_another_does_not()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), SystemdWatchdogInterval.From("10000000", "42", 42));
        Assert.Null(SystemdWatchdogInterval.From("10000000", "41", 42));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    public void No_or_unusable_timeout_means_no_watchdog(string? usec)
    {
        Assert.Null(SystemdWatchdogInterval.From(usec, null, 42));
    }
}
