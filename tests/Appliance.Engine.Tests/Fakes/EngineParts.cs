using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Health.Probing;
using Appliance.Engine.Kernel;
using Appliance.Engine.Supervision;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Fakes;

/// <summary>The engine's services as the container builds them, over fakes.</summary>
internal static class EngineParts
{
    public static readonly DateTimeOffset Epoch = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static LoopSupervisor Supervisor(LoopMonitor monitor) => new(monitor, NullLogger<LoopSupervisor>.Instance);

    /// <summary>A health monitor that reads carrier through <paramref name="runner"/> once a second and probes with <paramref name="probers"/>.</summary>
    public static HealthMonitor HealthMonitor(IRunningConfigSource config, ICommandRunner runner, LoopMonitor loops, FakeTimeProvider time, ProberSet? probers = null) =>
        new(config, new LinkObserver(runner), new NoSockets(), probers ?? new ProberSet(), new AlwaysReady(), new NoEvents(),
            Options.Create(new EngineOptions { LinkPollMilliseconds = 1000 }), time, Supervisor(loops), NullLogger<HealthMonitor>.Instance);

    /// <summary>Probes may run at once: these tests judge probe loops, not the kernel state they wait for.</summary>
    private sealed class AlwaysReady : IProbeReadiness
    {
        public bool CanProbe(string wanInterface) => true;
    }

    private sealed class NoEvents : IHealthEventSink
    {
        public Task RecordAsync(HealthEvent healthEvent, CancellationToken ct = default) => Task.CompletedTask;
    }
}
