using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting.Systemd;

namespace Appliance.Web.Hosting;

/// <summary>
/// Sends systemd <c>WATCHDOG=1</c> at a fixed interval while the host is started and its health checks pass.
/// A hung or unhealthy process (a stalled engine loop: <see cref="EngineLoopsHealthCheck"/>) stops pinging, and systemd
/// restarts it (<c>WatchdogSec=</c>, <c>Restart=always</c>).
/// </summary>
public sealed partial class SystemdWatchdog(
    ISystemdNotifier notifier,
    HealthCheckService health,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    SystemdWatchdogOptions options,
    ILogger<SystemdWatchdog> logger) : BackgroundService
{
    private static readonly ServiceState Watchdog = new("WATCHDOG=1");
    private bool _healthy = true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Before the host has started, systemd waits for READY=1 (TimeoutStartSec) rather than for pings.
        if (!await WaitForStartAsync(stoppingToken))
        {
            return;
        }
        LogStarted(logger, options.Interval);
        using var timer = new PeriodicTimer(options.Interval, time);
        do
        {
            await PingIfHealthyAsync(stoppingToken);
        }
        while (await NextTickAsync(timer, stoppingToken));
    }

    /// <summary>One round: asks the health checks, then pings only if they pass and the host is not stopping.</summary>
    internal async Task PingIfHealthyAsync(CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var healthy = report.Status != HealthStatus.Unhealthy && !lifetime.ApplicationStopping.IsCancellationRequested;
        if (healthy != _healthy)
        {
            if (healthy) { LogRecovered(logger); } else { LogUnhealthy(logger, report.Status); }
            _healthy = healthy;
        }
        if (healthy)
        {
            notifier.Notify(Watchdog);
        }
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "systemd watchdog: pinging every {Interval} while healthy")]
    private static partial void LogStarted(ILogger logger, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Warning, Message = "systemd watchdog: health is {Status}, not pinging (systemd restarts the service if this lasts)")]
    private static partial void LogUnhealthy(ILogger logger, HealthStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "systemd watchdog: healthy again, pinging")]
    private static partial void LogRecovered(ILogger logger);
}
