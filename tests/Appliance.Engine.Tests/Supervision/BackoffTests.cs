using Appliance.Engine.Supervision;

namespace Appliance.Engine.Tests.Supervision;

public sealed class BackoffTests
{
    [Fact]
    public void The_pause_doubles_from_one_second_and_stays_at_one_minute()
    {
        var pauses = Enumerable.Range(1, 10).Select(n => Backoff.Default.After(n).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60, 60], pauses);
        Assert.Equal(TimeSpan.FromMinutes(1), Backoff.Default.After(10_000));
    }
}
