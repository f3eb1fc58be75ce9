using Appliance.Engine.Supervision;

namespace Appliance.Web.Hosting;

/// <summary>
/// Turns a host stopped by a failed background service into a non-zero exit, so systemd restarts the appliance.
/// </summary>
/// <remarks>
/// What .NET 10's host does when an exception escapes <c>BackgroundService.ExecuteAsync</c> (measured, not assumed):
/// <c>HostOptions.BackgroundServiceExceptionBehavior</c> defaults to <c>StopHost</c>; the host logs "BackgroundService
/// failed", stops every service, and <c>RunAsync</c> returns normally: no exception, <c>Environment.ExitCode</c> 0, so
/// <c>Program</c> returned 0. An <c>OperationCanceledException</c> that is not the shutdown's (a command's own timeout)
/// counts as a failure the same way. systemd saw a clean exit and <c>Restart=on-failure</c> did not restart.
/// The host stops the application before it stops any service, so when <c>ApplicationStopping</c> fires a service
/// whose task already ended faulted or cancelled is what stopped it; a stop asked from outside finds none.
/// </remarks>
internal sealed class BackgroundServiceGuard(IServiceProvider services, IHostApplicationLifetime lifetime, FatalErrors fatal) : IHostedService
{
    private CancellationTokenRegistration _stopping;

    public Task StartAsync(CancellationToken ct)
    {
        // Runs at once if the host is stopping already (a service that failed before this one started).
        _stopping = lifetime.ApplicationStopping.Register(ReportFailedServices);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct)
    {
        _stopping.Dispose();
        return Task.CompletedTask;
    }

    private void ReportFailedServices()
    {
        foreach (var service in services.GetServices<IHostedService>().OfType<BackgroundService>())
        {
            if (service.ExecuteTask is { IsFaulted: true } or { IsCanceled: true })
            {
                var error = service.ExecuteTask.Exception?.InnerException ?? new OperationCanceledException($"{service.GetType().Name} ended cancelled while the host was running");
                fatal.Stop(service.GetType().Name, error);
            }
        }
    }
}
