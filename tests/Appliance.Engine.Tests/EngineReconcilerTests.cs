using System.Data.Common;
using Appliance.Engine.Bonding;
using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Kernel;
using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Appliance.Engine.Tests.Fakes;
using Appliance.Engine.Tests.Kernel;
using Appliance.Engine.Tests.Planning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests;

public class EngineReconcilerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ConfigSnapshot Good =
        new(1, new ApplianceConfig { Wans = [PlanCases.Wan("dsl", "wan1", "198.18.11.1")], Settings = PlanCases.Lan }, DateTimeOffset.UnixEpoch);

    private static readonly ConfigSnapshot Next = new(2, Good.Config with
    {
        Wans = [PlanCases.Wan("dsl", "wan1", "198.18.11.1", weight: 7), PlanCases.Wan("cable", "wan2", "198.18.12.1")],
    }, DateTimeOffset.UnixEpoch);

    /// <summary>A reconciler over a fake kernel (behind a runner that throws on demand) and a virtual clock.</summary>
    private sealed class Engine : IAsyncDisposable
    {
        public Engine()
        {
            Time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
            Source = new FakeConfigSource(Good);
            Runner = new FaultyRunner(Kernel);
            Loops = new LoopMonitor(Time);
            Status = new EngineStatusTracker(Time, loops: Loops);
            var health = new FixedHealth(new Dictionary<string, LinkHealth> { ["dsl"] = PlanCases.Up, ["cable"] = PlanCases.Up });
            Reconciler = new EngineReconciler(Source, health, new KernelApplier(Runner, NullLogger<KernelApplier>.Instance), new ConntrackFlusher(Runner),
                Status, new BondingPlanFeed(), new LoopSupervisor(Loops, NullLogger<LoopSupervisor>.Instance), NullLogger<EngineReconciler>.Instance);
        }

        public FakeTimeProvider Time { get; }
        public FakeKernel Kernel { get; } = new();
        public FaultyRunner Runner { get; }
        public FakeConfigSource Source { get; }
        public LoopMonitor Loops { get; }
        public EngineStatusTracker Status { get; }
        public EngineReconciler Reconciler { get; }

        /// <summary>The reconciler's loop (absent for a moment after start, until its thread registers it).</summary>
        public LoopStatus? Loop => Loops.Snapshot().SingleOrDefault(l => l.Name == EngineReconciler.LoopName);

        public bool Runs(long revision) => Status.Current is { Running: true, Message: "running" } s && s.RevisionId == revision;

        public async Task StartAsync()
        {
            await Reconciler.StartAsync(Ct);
            await Wait.UntilAsync(() => Runs(1), "revision 1 to run");
        }

        public async ValueTask DisposeAsync()
        {
            await Reconciler.StopAsync(CancellationToken.None);
            Reconciler.Dispose();
        }
    }

    [Fact]
    public async Task Nothing_is_reconciled_until_the_running_revision_is_loaded()
    {
        await using var engine = new Engine();
        var loaded = new TaskCompletionSource();
        engine.Source.Ready = loaded.Task;

        await engine.Reconciler.StartAsync(Ct);

        // Waiting for the store, the reconciler has not even started its loop: no pass can touch the kernel.
        Assert.Null(engine.Loop);
        Assert.Equal(0, engine.Reconciler.Passes);
        Assert.Null(engine.Kernel.Ruleset);

        loaded.SetResult();

        await Wait.UntilAsync(() => engine.Runs(1), "revision 1 to run once loaded");
        Assert.NotNull(engine.Kernel.Ruleset);
    }

    [Fact]
    public async Task A_revision_the_kernel_refuses_is_reported_failed_and_the_last_good_state_stays()
    {
        await using var engine = new Engine();
        await engine.StartAsync();
        var goodKernel = engine.Kernel.Dump(withSysctls: false);

        engine.Kernel.FailWhen = (program, args, stdin) => program == "nft" && args[0] == "-c" && stdin!.Contains("wan2", StringComparison.Ordinal);
        engine.Source.Publish(Next);

        await Wait.UntilAsync(() => engine.Source.Failed.Count == 1 && engine.Runs(1) && engine.Reconciler.Passes >= 3, "revision 2 to be marked failed");
        Assert.Equal(2, engine.Source.Failed[0].RevisionId);
        Assert.Contains("nft rejected the ruleset", engine.Source.Failed[0].Error, StringComparison.Ordinal);
        Assert.Equal(goodKernel, engine.Kernel.Dump(withSysctls: false));
        // A verdict is not a failure of the loop: nothing to retry.
        Assert.Equal(LoopStates.Running, engine.Loop!.State);
    }

    public static TheoryData<int> FaultKinds() => new(Enumerable.Range(0, FaultyRunner.EveryKind().Count));

    [Theory]
    [MemberData(nameof(FaultKinds))]
    public async Task A_pass_the_runner_throws_out_of_is_reported_and_tried_again_until_it_applies(int kind)
    {
        var fault = FaultyRunner.EveryKind()[kind];
        await using var engine = new Engine();
        await engine.StartAsync();

        engine.Runner.ThrowOnce(fault, (program, args) => program == "nft" && args[0] == "-c");
        engine.Source.Publish(Next);

        // The kernel keeps revision 1; the status says what went wrong and that it tries again.
        await Wait.UntilAsync(() => engine.Runner.Thrown.Count == 1 && engine.Loop?.State == LoopStates.Retrying, "the failed pass to be reported");
        var failing = engine.Status.Current;
        Assert.Equal(1, failing.RevisionId);
        Assert.Contains(fault.Message, failing.Message, StringComparison.Ordinal);
        Assert.Contains("trying again", failing.Message, StringComparison.Ordinal);
        Assert.Contains(fault.GetType().Name, engine.Loop!.LastError, StringComparison.Ordinal);
        Assert.Equal(1, engine.Loop!.Failures);
        Assert.Empty(engine.Source.Failed);

        // After the pause (1 s on the virtual clock) the same revision is applied.
        await Wait.UntilAsync(() => engine.Runs(2), "revision 2 to run after the retry", engine.Time);
        Assert.Contains("wan2", engine.Kernel.Ruleset, StringComparison.Ordinal);
        Assert.Equal((LoopStates.Running, 0), (engine.Loop!.State, engine.Loop!.Failures));
        Assert.Empty(engine.Source.Failed);
    }

    [Fact]
    public async Task An_unparsable_kernel_listing_mid_apply_is_retried_not_blamed_on_the_revision()
    {
        // As an ip rule "lookup main" in the appliance's priority range did to the rule parser (int.Parse).
        await using var engine = new Engine();
        await engine.StartAsync();
        engine.Runner.ThrowOnce(new FormatException("The input string 'main' was not in a correct format."), (program, args) => program == "ip" && args is [.., "rule", "show"]);
        engine.Runner.ThrowOnce(new FormatException("The input string 'main' was not in a correct format."), (program, args) => program == "ip" && args is [.., "rule", "show"]);

        engine.Source.Publish(Next);

        await Wait.UntilAsync(() => engine.Runner.Thrown.Count == 2 && engine.Loop?.Failures == 2, "two failed passes", engine.Time);
        Assert.Equal(LoopStates.Retrying, engine.Loop!.State);
        await Wait.UntilAsync(() => engine.Runs(2), "revision 2 to run", engine.Time);
        Assert.Empty(engine.Source.Failed);
        // Revision 1, then revision 2 after two failed passes.
        Assert.Equal((2L, 2L), (engine.Status.Current.Applies.Succeeded, engine.Status.Current.Applies.Failed));
    }

    [Fact]
    public async Task A_refused_revision_whose_verdict_the_store_cannot_record_is_tried_again_until_it_lands()
    {
        await using var engine = new Engine();
        await engine.StartAsync();
        engine.Kernel.FailWhen = (program, args, stdin) => program == "nft" && args[0] == "-c" && stdin!.Contains("wan2", StringComparison.Ordinal);
        engine.Source.FailNextMarkFailed(new IOException("No space left on device"));
        engine.Source.FailNextMarkFailed(new DiskFullException());

        engine.Source.Publish(Next);

        await Wait.UntilAsync(() => engine.Source.MarkFailedAttempts == 1 && engine.Loop?.State == LoopStates.Retrying, "the first verdict to fail");
        Assert.Contains("No space left on device", engine.Status.Current.Message, StringComparison.Ordinal);
        Assert.Contains("nft rejected the ruleset", engine.Status.Current.Message, StringComparison.Ordinal);
        // Backoff: 1 s, then 2 s; the third attempt lands and revision 1 runs again.
        await Wait.UntilAsync(() => engine.Source.Failed.Count == 1 && engine.Runs(1), "the verdict to land", engine.Time);
        Assert.Equal(3, engine.Source.MarkFailedAttempts);
        Assert.Equal(2, engine.Source.Failed[0].RevisionId);
        Assert.Equal(LoopStates.Running, engine.Loop!.State);
        Assert.Contains("database or disk is full", engine.Loop!.LastError, StringComparison.Ordinal);
        // Each refusal counts once, whether or not its verdict was recorded.
        Assert.Equal(3, engine.Status.Current.Applies.Failed);

        // And the engine takes the next revision as usual.
        engine.Kernel.FailWhen = (_, _, _) => false;
        engine.Source.Publish(Next with { RevisionId = 3 });
        await Wait.UntilAsync(() => engine.Runs(3), "revision 3 to run");
    }

    [Fact]
    public async Task A_kernel_check_that_throws_at_start_says_so_and_the_engine_starts_when_it_works()
    {
        await using var engine = new Engine();
        engine.Runner.ThrowOnce(new System.ComponentModel.Win32Exception(2, "An error occurred trying to start process 'nft': No such file or directory"));

        await engine.Reconciler.StartAsync(Ct);

        await Wait.UntilAsync(() => engine.Loop?.State == LoopStates.Retrying, "the failed check to be reported");
        Assert.False(engine.Status.Current.Running);
        Assert.Contains("No such file or directory", engine.Status.Current.Message, StringComparison.Ordinal);
        await Wait.UntilAsync(() => engine.Runs(1), "revision 1 to run", engine.Time);
    }

    /// <summary>What the SQLite provider throws on a full disk is a <see cref="DbException"/> like this one.</summary>
    private sealed class DiskFullException() : DbException("SQLite Error 13: 'database or disk is full'.");
}
