using Appliance.Web.Components.Dashboard;
using MudBlazor;

namespace Appliance.Web.Tests.Components.Dashboard;

public sealed class EventLogBufferTests
{
    private static DashboardEvent At(int second) => new(DashboardTest.Epoch.AddSeconds(second), "link", $"event {second}", Severity.Info);

    [Fact]
    public void Live_events_go_on_top_and_stored_ones_below_them()
    {
        var log = new EventLogBuffer();
        log.Prepend(At(100));

        log.AppendOlder([At(50), At(40)]);
        log.Prepend(At(101));

        Assert.Equal(["event 101", "event 100", "event 50", "event 40"], log.Events.Select(e => e.Text));
    }

    [Fact]
    public void The_log_keeps_only_the_newest_entries()
    {
        var log = new EventLogBuffer(capacity: 3);
        for (var i = 0; i < 10; i++)
        {
            log.Prepend(At(i));
        }

        Assert.Equal(["event 9", "event 8", "event 7"], log.Events.Select(e => e.Text));
    }

    [Fact]
    public void An_event_that_came_live_and_from_the_store_is_listed_once()
    {
        var log = new EventLogBuffer();
        log.Prepend(At(5));

        log.AppendOlder([At(5), At(4)]);

        Assert.Equal(["event 5", "event 4"], log.Events.Select(e => e.Text));
    }
}
