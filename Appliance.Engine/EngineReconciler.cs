using System.Threading.Channels;
using Appliance.Engine.Bonding;
using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;
using Appliance.Engine.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Engine;

/// <summary>
/// Re-plans and applies on every configuration or link-health change. Changes that arrive while an apply
/// runs collapse into one more pass, so the kernel always ends at the newest state.
/// </summary>
public sealed partial class EngineReconciler(
    IRunningConfigSource config,
    ILinkHealthSource health,
    KernelApplier applier,
    ConntrackFlusher flusher,
    ICommandRunner runner,
    EngineStatusTracker status,
    BondingPlanFeed bonding,
    ILogger<EngineReconciler> logger) : BackgroundService
{
    private readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _passes;

    /// <summary>Completed reconcile passes, for tests that wait for the engine to settle.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Without nft (or without root) nothing can be applied; say so rather than failing every revision.
        var probe = await runner.RunAsync("nft", ["list", "tables"], null, stoppingToken);
        if (!probe.Succeeded)
        {
            status.NotRunning($"engine not running: nftables is not usable here ({probe.Stderr.Trim()}); the engine needs root and the nftables package");
            LogCannotRun(logger, probe.Stderr.Trim());
            return;
        }
        using var configChanged = config.Subscribe(_ => Signal());
        using var healthChanged = health.Subscribe(Signal);
        Signal();
        await foreach (var _ in _dirty.Reader.ReadAllAsync(stoppingToken))
        {
            await ReconcileOnceAsync(stoppingToken);
            Interlocked.Increment(ref _passes);
        }
    }

    private void Signal() => _dirty.Writer.TryWrite(true);

    private async Task ReconcileOnceAsync(CancellationToken ct)
    {
        var snapshot = config.Current;
        var links = health.Current;
        var desired = Planner.Plan(snapshot, links);
        var before = applier.LastGood;
        try
        {
            await applier.ApplyAsync(desired, ct);
            bonding.Set(desired.Bonding);
            status.Applied(desired, links);
            LogApplied(logger, snapshot.RevisionId, desired.Wans.Count(w => w.Usable), desired.Wans.Count);
        }
        catch (KernelApplyException ex)
        {
            status.Failed(snapshot.RevisionId, ex.Message);
            LogApplyFailed(logger, snapshot.RevisionId, ex);
            // A revision that never applied is at fault; one that applied before failed on a link change and stays.
            if (snapshot.RevisionId != 0 && applier.LastGood?.RevisionId != snapshot.RevisionId)
            {
                await config.MarkFailedAsync(snapshot.RevisionId, ex.Message, ct);
            }
            return;
        }
        await FlushSessionsAsync(before, desired, ct);
    }

    /// <summary>After the new plan is in the kernel, sessions stuck on a WAN that left are cut so they re-establish.</summary>
    private async Task FlushSessionsAsync(DesiredState? before, DesiredState after, CancellationToken ct)
    {
        foreach (var (wan, why) in SessionFlush.Between(before, after))
        {
            try
            {
                var flushed = await flusher.FlushAsync(wan.Mark, ct);
                LogFlushed(logger, wan.Name, flushed, why);
            }
            catch (KernelCommandException ex)
            {
                LogFlushFailed(logger, wan.Name, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied revision {RevisionId}: {Usable} of {Total} WANs usable")]
    private static partial void LogApplied(ILogger logger, long revisionId, int usable, int total);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying revision {RevisionId} failed; the last good state stays")]
    private static partial void LogApplyFailed(ILogger logger, long revisionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "WAN {Wan}: {Count} sessions flushed ({Why})")]
    private static partial void LogFlushed(ILogger logger, string wan, int count, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WAN {Wan}: flushing its sessions failed")]
    private static partial void LogFlushFailed(ILogger logger, string wan, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The engine cannot run: {Reason}")]
    private static partial void LogCannotRun(ILogger logger, string reason);
}
