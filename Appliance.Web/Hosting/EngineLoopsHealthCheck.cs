using Appliance.Engine.Supervision;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Appliance.Web.Hosting;

/// <summary>
/// Unhealthy while a critical loop (the reconciler, the health monitor) is stalled: the systemd watchdog then stops
/// pinging and systemd restarts the wedged process. A loop that fails and retries is not a stall and stays healthy.
/// </summary>
public sealed class EngineLoopsHealthCheck(LoopMonitor loops) : IHealthCheck
{
    public const string Name = "engine-loops";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stalled = loops.Stalled();
        return Task.FromResult(stalled.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(string.Join("; ", stalled.Select(l => l.Message))));
    }
}
