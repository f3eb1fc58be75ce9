using Appliance.Engine.Firmware;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Appliance.Engine.Tests.Firmware;

public sealed class FirmwareProgressFeedTests
{
    [Fact]
    public void A_failing_listener_is_logged_and_neither_stops_the_others_nor_throws_into_the_install()
    {
        var log = new FakeLogger<FirmwareProgressFeed>();
        var feed = new FirmwareProgressFeed(log);
        var heard = new List<string>();
        using var broken = feed.Subscribe(_ => throw new InvalidOperationException("page gone"));
        using var page = feed.Subscribe(p => heard.Add(p.Message));

        feed.Publish(new FirmwareProgress(DateTimeOffset.UnixEpoch, "installing", 40, "Copying image to rootfs.1"));

        Assert.Equal(["Copying image to rootfs.1"], heard);
        Assert.Equal("Copying image to rootfs.1", feed.Latest?.Message);
        var entry = Assert.Single(log.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal("page gone", entry.Exception?.Message);
    }
}
