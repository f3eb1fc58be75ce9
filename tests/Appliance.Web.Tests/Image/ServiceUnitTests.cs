namespace Appliance.Web.Tests.Image;

/// <summary>The systemd unit the image runs the appliance with (image-build/rootfs/etc/systemd/system/appliance.service).</summary>
public sealed class ServiceUnitTests
{
    private static Dictionary<string, string> Unit()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var path = Path.Combine(dir.FullName, "image-build", "rootfs", "etc", "systemd", "system", "appliance.service");
        return File.ReadAllLines(path)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && l[0] is not ('#' or '['))
            .Select(l => l.Split('=', 2))
            .GroupBy(p => p[0])
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
    }

    [Fact]
    public void Every_exit_is_restarted_with_a_watchdog_for_a_wedged_process()
    {
        var unit = Unit();

        // A process that exits 0 after an internal failure is as gone as one that crashed.
        Assert.Equal("always", unit["Restart"]);
        Assert.InRange(int.Parse(unit["RestartSec"]), 1, 30);
        Assert.Equal("notify", unit["Type"]);
        Assert.True(int.Parse(unit["WatchdogSec"]) > 0);
    }

    [Fact]
    public void Only_minutes_of_crash_looping_make_systemd_give_up()
    {
        var unit = Unit();
        var interval = int.Parse(unit["StartLimitIntervalSec"]);
        var burst = int.Parse(unit["StartLimitBurst"]);
        var restartSec = int.Parse(unit["RestartSec"]);

        // Starts at RestartSec apart, the fastest a crash loop goes, must take at least five minutes to use up the burst.
        Assert.True(interval == 0 || burst * restartSec >= 300, $"{burst} starts {restartSec} s apart give up after {burst * restartSec} s");
    }
}
