using System.Collections.Concurrent;
using Appliance.Engine.Configuration;
using Appliance.Engine.Health.Probing;
using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Health;

/// <summary>
/// Watches every enabled WAN: carrier and learned gateway from the kernel (netlink events, plus a slow poll as a
/// safety net), and active probes through the WAN itself judged by <see cref="LinkHealthPolicy"/>. Publishes
/// <see cref="LinkHealth"/> and records every state change as a <see cref="HealthEvent"/>.
/// </summary>
public sealed partial class HealthMonitor(
    IRunningConfigSource config,
    LinkObserver observer,
    ISocketFactory sockets,
    ProberSet probers,
    KernelApplier applier,
    IHealthEventSink events,
    IOptions<EngineOptions> options,
    TimeProvider time,
    ILogger<HealthMonitor> logger) : BackgroundService, ILinkHealthSource
{
    private readonly ProberSet _probers = probers;
    private readonly KernelApplier _applier = applier;
    private readonly TimeProvider _time = time;
    private readonly ConcurrentDictionary<string, WanWatch> _watches = new(StringComparer.Ordinal);
    private readonly Lock _publishLock = new();
    private readonly SemaphoreSlim _syncLock = new(1, 1);
    private IReadOnlyDictionary<string, LinkHealth> _current = new Dictionary<string, LinkHealth>();
    private readonly ListenerSet _subscribers = new();
    private CancellationToken _stopping;

    public IReadOnlyDictionary<string, LinkHealth> Current => _current;

    public IReadOnlyDictionary<string, LinkMetrics> Metrics =>
        _watches.ToDictionary(kv => kv.Key, kv => kv.Value.Metrics, StringComparer.Ordinal);

    public IDisposable Subscribe(Action onChanged) => _subscribers.Add(onChanged);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        using var changed = config.Subscribe(OnConfigChanged);
        _ = WatchNetlinkAsync(stoppingToken);
        var period = TimeSpan.FromMilliseconds(options.Value.LinkPollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            await SafeAsync(SyncAsync);
            try
            {
                await Task.Delay(period, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        foreach (var watch in _watches.Values)
        {
            watch.Stop();
        }
    }

    private void OnConfigChanged(ConfigSnapshot snapshot) => _ = SafeAsync(SyncAsync);

    /// <summary>
    /// Whether a WAN's watch can go on under its new configuration: only what probing depends on counts. A change of
    /// weight, tier or mode (or any other apply, which brings new records) must not reset health: an unknown link is
    /// unusable, and its sessions would be flushed.
    /// </summary>
    private static bool WatchesTheSame(WanLink wan, WanWatch watch, IReadOnlyDictionary<string, int> slots)
    {
        var old = watch.Wan;
        return wan.Name == old.Name && wan.Interface == old.Interface && wan.Gateway == old.Gateway
            && wan.Probes with { Targets = Array.Empty<string>() } == old.Probes with { Targets = Array.Empty<string>() }
            && wan.Probes.Targets.SequenceEqual(old.Probes.Targets, StringComparer.Ordinal)
            && KernelIds.MarkOf(slots[wan.Name]) == watch.Binding.Mark;
    }

    /// <summary>Brings the set of watched WANs in line with the configuration and reads carrier and gateways.</summary>
    private async Task SyncAsync()
    {
        await _syncLock.WaitAsync(_stopping);
        try
        {
            var wans = config.Current.Config.Settings.Role == ApplianceRole.Edge ? config.Current.Config.Wans.Where(w => w.Enabled).ToList() : [];
            var slots = WanSlots.Assign(config.Current.Config.Wans.Select(w => w.Name));
            foreach (var (name, watch) in _watches)
            {
                if (!wans.Any(w => WatchesTheSame(w, watch, slots)))
                {
                    watch.Stop();
                    _watches.TryRemove(name, out _);
                }
            }
            foreach (var wan in wans.Where(w => !_watches.ContainsKey(w.Name)))
            {
                var watch = new WanWatch(wan, new WanBinding(wan.Interface, KernelIds.MarkOf(slots[wan.Name])), this);
                _watches[wan.Name] = watch;
            }
            var facts = await observer.ReadAsync(wans.Select(w => w.Interface).ToList(), _stopping);
            foreach (var watch in _watches.Values)
            {
                watch.SetLink(facts[watch.Wan.Interface]);
            }
            Publish();
        }
        finally
        {
            _syncLock.Release();
        }
    }

    private async Task WatchNetlinkAsync(CancellationToken ct)
    {
        try
        {
            using var watcher = new NetlinkLinkWatcher(sockets);
            await foreach (var linkEvent in watcher.ReadAsync(ct))
            {
                if (_watches.Values.Any(w => w.Wan.Interface == linkEvent.Interface))
                {
                    // Carrier loss is acted on at once; the full read also picks up a changed gateway.
                    foreach (var watch in _watches.Values.Where(w => w.Wan.Interface == linkEvent.Interface && !linkEvent.Carrier))
                    {
                        watch.SetLink(new InterfaceFacts(linkEvent.Interface, linkEvent.Exists, false, null));
                    }
                    Publish();
                    await SafeAsync(SyncAsync);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNetlinkFailed(logger, ex);
        }
    }

    /// <summary>Publishes the current health; subscribers hear only of changes that matter for planning.</summary>
    private void Publish()
    {
        bool relevant;
        lock (_publishLock)
        {
            var next = _watches.ToDictionary(kv => kv.Key, kv => kv.Value.Health, StringComparer.Ordinal);
            relevant = next.Count != _current.Count || next.Any(kv =>
                !_current.TryGetValue(kv.Key, out var old) || old.State != kv.Value.State || old.Carrier != kv.Value.Carrier || old.Gateway != kv.Value.Gateway || old.Address != kv.Value.Address);
            _current = next;
        }
        if (relevant)
        {
            // Called from a prober's or the netlink watcher's loop, which must go on whatever a listener does.
            _subscribers.Notify(ex => LogSubscriberFailed(logger, ex));
        }
    }

    private void StateChanged(WanWatch watch, LinkState from, LinkHealth to)
    {
        LogStateChanged(logger, watch.Wan.Name, from, to.State, to.Reason);
        Publish();
        _ = SafeAsync(() => events.RecordAsync(new HealthEvent(_time.GetUtcNow(), watch.Wan.Name, from, to.State, to.Reason), _stopping));
    }

    private async Task SafeAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WAN {Wan}: {From} -> {To} ({Reason})")]
    private static partial void LogStateChanged(ILogger logger, string wan, LinkState from, LinkState to, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health monitoring step failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Netlink link events are unavailable; carrier is polled only")]
    private static partial void LogNetlinkFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A listener of link health failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}
