using System.Threading.Channels;
using Appliance.Engine.Bonding;
using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;
using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
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
    EngineStatusTracker status,
    BondingPlanFeed bonding,
    LoopSupervisor supervisor,
    ILogger<EngineReconciler> logger,
    Network.IWanAddressSource? addresses = null) : BackgroundService
{
    /// <summary>The loop's name in the status and the logs.</summary>
    public const string LoopName = "reconciler";

    private readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _passes;
    private bool _kernelUsable;

    /// <summary>Completed reconcile passes, for tests that wait for the engine to settle.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    // Idle while nothing changes is fine; a pass busy past the limit is a wedged engine, and the watchdog restarts it.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Until the running revision is loaded there is nothing to reconcile, and no kernel state to take down.
        await config.Ready.WaitAsync(stoppingToken);
        await supervisor.RunAsync(LoopName, ReconcileLoopAsync, stoppingToken, new LoopStall(LoopStall.DefaultPassLimit));
    }

    /// <summary>
    /// Reconciles on every signal. A pass that throws ends this run; the supervisor logs it, waits out the backoff and
    /// runs it again, and the fresh signal below tries the same state once more.
    /// </summary>
    private async Task ReconcileLoopAsync(LoopHandle loop, CancellationToken ct)
    {
        loop.Busy();
        if (!_kernelUsable && !(_kernelUsable = await KernelUsableAsync(ct)))
        {
            return;
        }
        using var configChanged = config.Subscribe(_ => Signal());
        using var healthChanged = health.Subscribe(Signal);
        // A new lease puts its address on the interface and its gateway in the WAN's table within the pass it triggers.
        using var addressChanged = addresses?.Subscribe(Signal);
        Signal();
        await foreach (var _ in _dirty.Reader.ReadAllAsync(ct))
        {
            loop.Busy();
            await ReconcileOnceAsync(ct);
            loop.Done();
            Interlocked.Increment(ref _passes);
        }
    }

    /// <summary>Without nft (or without root) nothing can be applied; say so rather than failing every revision.</summary>
    private async Task<bool> KernelUsableAsync(CancellationToken ct)
    {
        string? unusable;
        try
        {
            unusable = await applier.NftablesUnusableAsync(ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            status.NotRunning($"engine not running: nftables could not be checked ({ex.Message}); trying again");
            throw;
        }
        if (unusable is not null)
        {
            status.NotRunning($"engine not running: nftables is not usable here ({unusable}); the engine needs root and the nftables package");
            LogCannotRun(logger, unusable);
            return false;
        }
        return true;
    }

    private void Signal() => _dirty.Writer.TryWrite(true);

    private async Task ReconcileOnceAsync(CancellationToken ct)
    {
        var snapshot = config.Current;
        try
        {
            await ApplyAsync(snapshot, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Not the revision's fault (a command that timed out or could not start, output that did not parse, the
            // database refusing the verdict): the kernel keeps what it has, and the same state is tried again.
            // A refused revision whose verdict did not reach the store was counted as refused already.
            status.Failed(snapshot.RevisionId, $"{ex.Message} (trying again)", counted: ex is not RevisionVerdictException);
            throw;
        }
    }

    private async Task ApplyAsync(ConfigSnapshot snapshot, CancellationToken ct)
    {
        var links = health.Current;
        var desired = Planner.Plan(snapshot, links, addresses?.Current);
        var before = applier.LastGood;
        try
        {
            await applier.ApplyAsync(desired, ct);
            bonding.Set(desired.Bonding);
            status.Applied(desired, links);
            var usable = desired.Wans.Count(w => w.Usable);
            LogApplied(logger, snapshot.RevisionId, usable, desired.Wans.Count);
        }
        catch (KernelApplyException ex)
        {
            status.Failed(snapshot.RevisionId, ex.Message);
            LogApplyFailed(logger, snapshot.RevisionId, ex);
            // A revision that never applied is at fault; one that applied before failed on a link change and stays.
            if (snapshot.RevisionId != 0 && applier.LastGood?.RevisionId != snapshot.RevisionId)
            {
                await MarkFailedAsync(snapshot.RevisionId, ex.Message, ct);
            }
            return;
        }
        await FlushSessionsAsync(before, desired, ct);
    }

    private async Task MarkFailedAsync(long revisionId, string error, CancellationToken ct)
    {
        try
        {
            await config.MarkFailedAsync(revisionId, error, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The retry applies the revision again, is refused again and records the verdict once the store takes it.
            throw new RevisionVerdictException($"{error}; recording that revision {revisionId} failed did not work: {ex.Message}", ex);
        }
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
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // The new plan is in place; sessions left on the old WAN time out by themselves.
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

/// <summary>A revision the kernel refused could not be recorded as failed; the reconciler tries again.</summary>
public sealed class RevisionVerdictException(string message, Exception inner) : Exception(message, inner);
