using System.Collections.Concurrent;
using Appliance.Engine.Configuration;
using Appliance.Engine.Health.Probing;
using Appliance.Engine.Kernel;
using Appliance.Engine.Network;
using Appliance.Engine.Planning;
using Appliance.Engine.Supervision;
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
    IProbeReadiness readiness,
    IHealthEventSink events,
    IOptions<EngineOptions> options,
    TimeProvider time,
    LoopSupervisor supervisor,
    ILogger<HealthMonitor> logger,
    IWanAddressSource? addresses = null) : BackgroundService, ILinkHealthSource
{
    /// <summary>The name of the loop that keeps the watched WANs in line with the configuration and reads carrier.</summary>
    public const string LoopName = "health";

    private readonly ProberSet _probers = probers;
    private readonly IProbeReadiness _readiness = readiness;
    private readonly TimeProvider _time = time;
    private readonly LoopSupervisor _supervisor = supervisor;
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
        // The WANs to watch are the running revision's.
        await config.Ready.WaitAsync(stoppingToken);
        using var changed = config.Subscribe(OnConfigChanged);
        // A new lease or PPP session moves the gateway and address: read at once, not at the next poll.
        using var learned = addresses?.Subscribe(() => _ = SafeAsync(SyncAsync));
        var netlink = _supervisor.RunAsync("netlink", (_, ct) => WatchNetlinkAsync(ct), stoppingToken);
        var period = TimeSpan.FromMilliseconds(options.Value.LinkPollMilliseconds);
        // Critical: while this loop is wedged nothing notices a WAN appear, vanish or lose its gateway.
        await _supervisor.RunPeriodicAsync(LoopName, period, _ => SyncAsync(), stoppingToken, new LoopStall(LoopStall.DefaultPassLimit, period));
        await netlink;
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
    private static bool WatchesTheSame(WanLink wan, WanWatch watch, IReadOnlyDictionary<string, int> slots, string device)
    {
        var old = watch.Wan;
        return wan.Name == old.Name && wan.Interface == old.Interface && wan.Gateway == old.Gateway && watch.Binding.Interface == device
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
            var states = addresses?.Current;
            foreach (var (name, watch) in _watches)
            {
                if (!wans.Any(w => WatchesTheSame(w, watch, slots, WanDevice.Of(w, states))))
                {
                    watch.Stop();
                    _watches.TryRemove(name, out _);
                }
            }
            foreach (var wan in wans.Where(w => !_watches.ContainsKey(w.Name)))
            {
                // The WAN's L3 device: probes leave through it (for PPPoE the PPP interface, not the port).
                var watch = new WanWatch(wan, new WanBinding(WanDevice.Of(wan, states), KernelIds.MarkOf(slots[wan.Name])), this);
                _watches[wan.Name] = watch;
            }
            var facts = await observer.ReadAsync(_watches.Values.Select(w => w.Binding.Interface).Distinct().ToList(), _stopping);
            foreach (var watch in _watches.Values)
            {
                watch.SetLink(facts[watch.Binding.Interface], Learned(watch.Wan, states));
            }
            Publish();
        }
        finally
        {
            _syncLock.Release();
        }
    }

    /// <summary>
    /// For a WAN whose DHCP client or PPP session the engine runs: what it learned (an empty state until it learned
    /// something). Null for the others, whose gateway is configured or read from the main table as before.
    /// </summary>
    private WanAddressState? Learned(WanLink wan, IReadOnlyDictionary<string, WanAddressState>? states) =>
        states is not null && wan.EffectiveAddressing.Mode != AddressingMode.Static && WanDevice.IsManaged(wan, config.Current.Config)
            ? states.GetValueOrDefault(wan.Name) ?? WanAddressMachine.Waiting(wan)
            : null;

    // A failure ends this run and the supervisor opens a new socket after a pause; the poll covers the gap.
    private async Task WatchNetlinkAsync(CancellationToken ct)
    {
        using var watcher = new NetlinkLinkWatcher(sockets);
        await foreach (var linkEvent in watcher.ReadAsync(ct))
        {
            if (_watches.Values.Any(w => w.Binding.Interface == linkEvent.Interface))
            {
                // Carrier loss is acted on at once; the full read also picks up a changed gateway.
                foreach (var watch in _watches.Values.Where(w => w.Binding.Interface == linkEvent.Interface && !linkEvent.Carrier))
                {
                    watch.SetLink(new InterfaceFacts(linkEvent.Interface, linkEvent.Exists, false, null), Learned(watch.Wan, addresses?.Current));
                }
                Publish();
                await SafeAsync(SyncAsync);
            }
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
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            // A command's own timeout is an OperationCanceledException too: only shutdown may pass silently.
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WAN {Wan}: {From} -> {To} ({Reason})")]
    private static partial void LogStateChanged(ILogger logger, string wan, LinkState from, LinkState to, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health monitoring step failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    private void LogRoundOverran(string wan, TimeSpan limit) => LogOverran(logger, wan, limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WAN {Wan}: a probe round was still running after {Limit}; counted as lost")]
    private static partial void LogOverran(ILogger logger, string wan, TimeSpan limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "A listener of link health failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}
