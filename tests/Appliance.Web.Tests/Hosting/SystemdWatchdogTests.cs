using Appliance.Engine.Supervision;
using Appliance.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
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
        public override Task<HealthReport> CheckHealthAsync(Func<HealthCheckRegistration, bool>? predicate, CancellationToken ct = default) =>
            Task.FromResult(new HealthReport(new Dictionary<string, HealthReportEntry>(), Healthy ? HealthStatus.Healthy : HealthStatus.Unhealthy, TimeSpan.Zero));
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A test double that lives as long as one test; its token sources have no timers.")]
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
    public async Task A_stalled_engine_loop_stops_the_pings_and_a_resumed_one_restarts_them()
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new LoopMonitor(time));
        services.AddHealthChecks().AddCheck<EngineLoopsHealthCheck>(EngineLoopsHealthCheck.Name);
        await using var provider = services.BuildServiceProvider();
        var loops = provider.GetRequiredService<LoopMonitor>();
        var notifier = new RecordingNotifier();
        var watchdog = new SystemdWatchdog(notifier, provider.GetRequiredService<HealthCheckService>(), new Lifetime(), time,
            new SystemdWatchdogOptions(Interval), NullLogger<SystemdWatchdog>.Instance);
        // The health monitor's loop as the engine runs it: a pass a second; this one wedges when told to.
        var wedge = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wedged = 0;
        var passes = 0;
        using var stop = new CancellationTokenSource();
        var loop = new LoopSupervisor(loops, NullLogger<LoopSupervisor>.Instance).RunPeriodicAsync("health", TimeSpan.FromSeconds(1), async _ =>
        {
            Interlocked.Increment(ref passes);
            if (Volatile.Read(ref wedged) == 1)
            {
                await wedge.Task;
            }
        }, stop.Token, new LoopStall(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1)));

        // Every watchdog interval (15 s on the virtual clock) the loop has run and the ping goes out.
        for (var i = 1; i <= 3; i++)
        {
            var before = Volatile.Read(ref passes);
            await AdvanceUntilAsync(time, () => Volatile.Read(ref passes) > before);
            time.Advance(Interval);
            await watchdog.PingIfHealthyAsync(TestContext.Current.CancellationToken);
            Assert.Equal(i, notifier.Pings);
        }

        // Wedged in a pass: still pinged for the pass limit (2 min), then no more.
        Interlocked.Exchange(ref wedged, 1);
        var wedgedAt = Volatile.Read(ref passes);
        await AdvanceUntilAsync(time, () => Volatile.Read(ref passes) > wedgedAt);
        var pinged = new List<bool>();
        for (var i = 0; i < 16; i++)
        {
            var before = notifier.Pings;
            time.Advance(Interval);
            await watchdog.PingIfHealthyAsync(TestContext.Current.CancellationToken);
            pinged.Add(notifier.Pings > before);
        }
        // Up to 105 s busy: pinged; from 135 s on: not (120 s itself is the boundary, left out).
        Assert.All(pinged[..7], Assert.True);
        Assert.All(pinged[8..], Assert.False);
        var stalledPings = notifier.Pings;
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.StartsWith("health: stalled, busy in one pass for", report.Entries[EngineLoopsHealthCheck.Name].Description, StringComparison.Ordinal);

        // The pass ends: pinged again at the next interval.
        Interlocked.Exchange(ref wedged, 0);
        wedge.SetResult();
        await AdvanceUntilAsync(time, () => loops.Stalled().Count == 0);
        await watchdog.PingIfHealthyAsync(TestContext.Current.CancellationToken);
        Assert.Equal(stalledPings + 1, notifier.Pings);

        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    // The loop runs on the thread pool: nudge the virtual clock in small steps until it has done what is awaited.
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        Assert.True(condition(), "the loop did not get there in time");
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
