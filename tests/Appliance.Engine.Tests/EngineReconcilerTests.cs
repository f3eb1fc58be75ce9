using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Kernel;
using Appliance.Engine.Status;
using Appliance.Engine.Tests.Kernel;
using Appliance.Engine.Tests.Planning;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Engine.Tests;

public class EngineReconcilerTests
{
    [Fact]
    public async Task A_revision_the_kernel_refuses_is_reported_failed_and_the_last_good_state_stays()
    {
        var ct = TestContext.Current.CancellationToken;
        var good = new ConfigSnapshot(1, new ApplianceConfig { Wans = [PlanCases.Wan("dsl", "wan1", "198.18.11.1")], Settings = PlanCases.Lan }, DateTimeOffset.UnixEpoch);
        var bad = new ConfigSnapshot(2, good.Config with { Wans = [PlanCases.Wan("dsl", "wan1", "198.18.11.1", weight: 7), PlanCases.Wan("cable", "wan2", "198.18.12.1")] }, DateTimeOffset.UnixEpoch);
        var source = new FakeConfigSource(good);
        var health = new FixedHealth(new Dictionary<string, LinkHealth> { ["dsl"] = PlanCases.Up, ["cable"] = PlanCases.Up });
        var kernel = new FakeKernel();
        var applier = new KernelApplier(kernel, NullLogger<KernelApplier>.Instance);
        var status = new EngineStatusTracker(TimeProvider.System);
        using var reconciler = new EngineReconciler(source, health, applier, new ConntrackFlusher(kernel), kernel, status, new Appliance.Engine.Bonding.BondingPlanFeed(), NullLogger<EngineReconciler>.Instance);
        await reconciler.StartAsync(ct);
        await Until(() => status.Current.Running && status.Current.RevisionId == 1);
        var goodKernel = kernel.Dump(withSysctls: false);

        kernel.FailWhen = (program, args, stdin) => program == "nft" && args[0] == "-c" && stdin!.Contains("wan2", StringComparison.Ordinal);
        source.Publish(bad);

        await Until(() => source.Failed.Count == 1 && status.Current.RevisionId == 1 && reconciler.Passes >= 3);
        Assert.Equal(2, source.Failed[0].RevisionId);
        Assert.Contains("nft rejected the ruleset", source.Failed[0].Error, StringComparison.Ordinal);
        Assert.Equal(goodKernel, kernel.Dump(withSysctls: false));
        await reconciler.StopAsync(ct);
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 5 s");
            await Task.Delay(20);
        }
    }

    /// <summary>Behaves like the config store: a failed revision is dropped and the previous one runs again.</summary>
    private sealed class FakeConfigSource(ConfigSnapshot initial) : IRunningConfigSource
    {
        private readonly Stack<ConfigSnapshot> _history = new([initial]);
        private Action<ConfigSnapshot>? _subscriber;

        public ConfigSnapshot Current => _history.Peek();
        public List<(long RevisionId, string Error)> Failed { get; } = [];

        public void Publish(ConfigSnapshot snapshot)
        {
            _history.Push(snapshot);
            _subscriber?.Invoke(snapshot);
        }

        public IDisposable Subscribe(Action<ConfigSnapshot> onChanged)
        {
            _subscriber = onChanged;
            return new Nothing();
        }

        public Task MarkFailedAsync(long revisionId, string error, CancellationToken ct = default)
        {
            Failed.Add((revisionId, error));
            _history.Pop();
            _subscriber?.Invoke(Current);
            return Task.CompletedTask;
        }
    }

    private sealed class FixedHealth(IReadOnlyDictionary<string, LinkHealth> health) : ILinkHealthSource
    {
        public IReadOnlyDictionary<string, LinkHealth> Current => health;
        public IDisposable Subscribe(Action onChanged) => new Nothing();
    }

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
