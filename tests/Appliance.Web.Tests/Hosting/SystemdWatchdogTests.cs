using Appliance.Web.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Web.Tests.Hosting;

public sealed class SystemdWatchdogTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private sealed class RecordingNotifier : ISystemdNotifier
    {
        private int _pings;
        public int Pings => Volatile.Read(ref _pings);
        public bool IsEnabled => true;
        public void Notify(ServiceState state)
        {
            Assert.Equal("WATCHDOG=1", state.ToString());
            Interlocked.Increment(ref _pings);
        }
    }

    private sealed class SwitchableHealth : HealthCheckService
    {
        public volatile bool Healthy = true;
        public override Task<HealthReport> CheckHealthAsync(Func<HealthCheckRegistration, bool>? predicate, CancellationToken cancellationToken = default) =>
            Task.FromResult(new HealthReport(new Dictionary<string, HealthReportEntry>(), Healthy ? HealthStatus.Healthy : HealthStatus.Unhealthy, TimeSpan.Zero));
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public readonly CancellationTokenSource Started = new();
        public readonly CancellationTokenSource Stopping = new();
        public CancellationToken ApplicationStarted => Started.Token;
        public CancellationToken ApplicationStopping => Stopping.Token;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() => Stopping.Cancel();
    }

    private static (SystemdWatchdog Watchdog, RecordingNotifier Notifier, SwitchableHealth Health, Lifetime Lifetime, FakeTimeProvider Time) Create()
    {
        var notifier = new RecordingNotifier();
        var health = new SwitchableHealth();
        var lifetime = new Lifetime();
        var time = new FakeTimeProvider();
        var watchdog = new SystemdWatchdog(notifier, health, lifetime, time, new SystemdWatchdogOptions(Interval), NullLogger<SystemdWatchdog>.Instance);
        return (watchdog, notifier, health, lifetime, time);
    }

    // The loop runs on the thread pool: wait (bounded) until it has caught up with the fake clock.
    private static async Task WaitForPingsAsync(RecordingNotifier notifier, int expected)
    {
        for (var i = 0; i < 200 && notifier.Pings < expected; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        Assert.Equal(expected, notifier.Pings);
    }

    [Fact]
    public async Task Pings_once_the_host_has_started_and_then_once_per_interval()
    {
        var (watchdog, notifier, _, lifetime, time) = Create();
        await watchdog.StartAsync(TestContext.Current.CancellationToken);
        time.Advance(Interval * 3);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Equal(0, notifier.Pings);

        lifetime.Started.Cancel();
        await WaitForPingsAsync(notifier, 1);
        time.Advance(Interval - TimeSpan.FromSeconds(1));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Equal(1, notifier.Pings);
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitForPingsAsync(notifier, 2);
        time.Advance(Interval);
        await WaitForPingsAsync(notifier, 3);

        await watchdog.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task An_unhealthy_app_is_not_pinged_until_it_recovers()
    {
        var (watchdog, notifier, health, _, _) = Create();
        health.Healthy = false;
        await watchdog.PingIfHealthyAsync(TestContext.Current.CancellationToken);
        await watchdog.PingIfHealthyAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, notifier.Pings);

        health.Healthy = true;
        await watchdog.PingIfHealthyAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, notifier.Pings);
    }

    [Fact]
    public async Task A_stopping_host_is_not_pinged()
    {
        var (watchdog, notifier, _, lifetime, _) = Create();
        lifetime.Stopping.Cancel();
        await watchdog.PingIfHealthyAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, notifier.Pings);
    }
}
