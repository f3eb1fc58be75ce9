namespace Appliance.Web.Hosting;

/// <summary>The watchdog's ping interval (half of systemd's <c>WatchdogSec=</c>).</summary>
public sealed record SystemdWatchdogOptions(TimeSpan Interval);
