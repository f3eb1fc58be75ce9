namespace Appliance.Web.Hosting;

/// <summary>How often to tell systemd the appliance is alive, from the environment systemd sets for <c>WatchdogSec=</c>.</summary>
public static class SystemdWatchdogInterval
{
    /// <summary>
    /// Half of <c>WATCHDOG_USEC</c>, as systemd recommends, so one late ping does not get the service killed;
    /// null when no watchdog is configured or it is meant for another process (<c>WATCHDOG_PID</c>).
    /// </summary>
    public static TimeSpan? From(string? watchdogUsec, string? watchdogPid, int currentPid)
    {
        if (!long.TryParse(watchdogUsec, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var usec) || usec <= 0)
        {
            return null;
        }
        if (!string.IsNullOrEmpty(watchdogPid) && watchdogPid != currentPid.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return null;
        }
        return TimeSpan.FromMicroseconds(usec / 2.0);
    }

    /// <summary>The interval for this process, from its own environment.</summary>
    public static TimeSpan? FromEnvironment() => From(
        Environment.GetEnvironmentVariable("WATCHDOG_USEC"),
        Environment.GetEnvironmentVariable("WATCHDOG_PID"),
        Environment.ProcessId);
}
