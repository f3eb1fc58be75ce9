using Appliance.Engine.Bonding;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Appliance.Engine.Kernel.Counters;
using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Appliance.Engine.Telemetry;
using Appliance.Engine.Tests.Fakes;
using Appliance.Engine.Tests.Kernel;
using Appliance.Engine.Tests.Planning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests;

/// <summary>The engine's loops together, over one kernel whose runner fails in every way it can.</summary>
public sealed class LoopFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_kind_of_runner_fault_once_leaves_every_loop_running_and_the_next_apply_succeeds()
    {
        var time = new FakeTimeProvider(EngineParts.Epoch);
        var kernel = new FakeKernel();
        kernel.SetLink("wan1", carrier: true);
        kernel.SetLink("wan2", carrier: true);
        var runner = new FaultyRunner(kernel);
        var loops = new LoopMonitor(time);
        var supervisor = EngineParts.Supervisor(loops);
        var source = new FakeConfigSource(new ConfigSnapshot(1,
            new ApplianceConfig { Wans = [PlanCases.Wan("dsl", "wan1", "198.18.11.1")], Settings = PlanCases.Lan }, EngineParts.Epoch));
        using var health = EngineParts.HealthMonitor(source, runner, loops, time);
        var status = new EngineStatusTracker(time, health, loops: loops);
        var bonding = new BondingPlanFeed();
        using var reconciler = new EngineReconciler(source, health, new KernelApplier(runner, NullLogger<KernelApplier>.Instance), new ConntrackFlusher(runner),
            status, bonding, supervisor, NullLogger<EngineReconciler>.Instance);
        using var sampler = new CounterSampler(new KernelCounterReader(runner), status, bonding, time, supervisor, NullLogger<CounterSampler>.Instance);
        await health.StartAsync(Ct);
        await reconciler.StartAsync(Ct);
        await sampler.StartAsync(Ct);
        await Wait.UntilAsync(() => status.Current is { Running: true, RevisionId: 1 } && runner.Count("nft -j list counters") > 0, "revision 1 and telemetry", time);

        // Whichever loop makes the next calls gets them: one of each kind, on successive calls.
        foreach (var fault in FaultyRunner.EveryKind())
        {
            runner.ThrowOnce(fault);
        }
        await Wait.UntilAsync(() => runner.Armed == 0, "every fault to be thrown", time);
        var sampled = runner.Count("nft -j list counters");
        var polled = runner.Count("ip -j link show");

        source.Publish(new ConfigSnapshot(2, source.Current.Config with { Wans = [.. source.Current.Config.Wans, PlanCases.Wan("cable", "wan2", "198.18.12.1")] }, EngineParts.Epoch));

        await Wait.UntilAsync(() => status.Current is { Running: true, RevisionId: 2, Message: "running" } && status.Current.Wans.All(w => w.State == "up"),
            "revision 2 to run with both WANs up", time);
        await Wait.UntilAsync(() => runner.Count("nft -j list counters") > sampled + 1 && runner.Count("ip -j link show") > polled + 1, "telemetry and carrier polls to go on", time);
        Assert.Contains("wan2", kernel.Ruleset, StringComparison.Ordinal);
        Assert.Equal(FaultyRunner.EveryKind().Count, runner.Thrown.Count);
        await Wait.UntilAsync(() => loops.Snapshot().Where(IsEngineLoop).All(l => l.State == LoopStates.Running), "every loop to run well again", time);
        Assert.Equal(3, loops.Snapshot().Count(IsEngineLoop));

        await sampler.StopAsync(Ct);
        await reconciler.StopAsync(Ct);
        await health.StopAsync(Ct);
    }

    // The netlink watcher has no sockets in a unit test and keeps retrying; it is not what this test is about.
    private static bool IsEngineLoop(LoopStatus loop) => loop.Name is EngineReconciler.LoopName or Appliance.Engine.Health.HealthMonitor.LoopName or CounterSampler.LoopName;
}
