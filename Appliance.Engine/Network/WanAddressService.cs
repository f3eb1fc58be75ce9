using System.Collections.Concurrent;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel.Processes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Network;

/// <summary>
/// Runs each WAN's addressing: udhcpc for a <c>dhcp</c> WAN, pppd for a <c>pppoe</c> one, the configuration for a
/// <c>static</c> one; only for WANs on a port with the <c>wan</c> role (<see cref="WanDevice.IsManaged"/>). Every report
/// becomes a <see cref="WanAddressState"/> and reaches subscribers at once; configuration changes start and stop clients.
/// </summary>
public sealed partial class WanAddressService(
    IRunningConfigSource config,
    IProcessLauncher launcher,
    IOptions<EngineOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService, IWanAddressSource, IWanAddressControl
{
    private readonly ILogger _logger = loggers.CreateLogger<WanAddressService>();
    private readonly ConcurrentDictionary<string, WanClient> _clients = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sync = new(1, 1);
    private readonly ListenerSet _subscribers = new();
    private IReadOnlyDictionary<string, WanAddressState> _current = new Dictionary<string, WanAddressState>();
    private readonly Lock _publishLock = new();

    public IReadOnlyDictionary<string, WanAddressState> Current => Volatile.Read(ref _current);

    public IDisposable Subscribe(Action onChanged) => _subscribers.Add(onChanged);

    internal string RuntimeDirectory => options.Value.RuntimeDirectory;
    internal TimeProvider Time => time;
    internal IProcessLauncher Launcher => launcher;

    /// <summary>What starts a WAN's pppd: the engine itself, or in the image its systemd unit.</summary>
    internal IProcessLauncher PppdLauncher(string wan) =>
        options.Value.PppdAsSystemdUnit ? new SystemdUnitLauncher(PppdUnit(wan), launcher) : launcher;

    /// <summary>The image's unit for a WAN's pppd (image-build/rootfs/etc/systemd/system/appliance-pppd@.service).</summary>
    public static string PppdUnit(string wan) => $"appliance-pppd@{wan}.service";
    internal ILoggerFactory Loggers => loggers;

    public async Task<bool> RenewAsync(string wan, CancellationToken ct)
    {
        return _clients.TryGetValue(wan, out var client) && await client.RenewAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await config.Ready.WaitAsync(stoppingToken);
        using var changed = config.Subscribe(_ => SyncInBackground(stoppingToken));
        await SyncSafeAsync(stoppingToken);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown: the clients go with the engine.
        }
        await _sync.WaitAsync(CancellationToken.None);
        try
        {
            foreach (var client in _clients.Values)
            {
                await client.DisposeAsync();
            }
            _clients.Clear();
        }
        finally
        {
            _sync.Release();
        }
    }

    private void SyncInBackground(CancellationToken ct) => _ = SyncSafeAsync(ct);

    private async Task SyncSafeAsync(CancellationToken ct)
    {
        try
        {
            await SyncAsync(ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogSyncFailed(_logger, ex);
        }
    }

    /// <summary>Starts a client for every managed WAN, stops the ones whose WAN left or changed how it is addressed.</summary>
    private async Task SyncAsync(CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            var snapshot = config.Current.Config;
            var wanted = snapshot.Settings.Role == ApplianceRole.Edge
                ? snapshot.Wans.Where(w => w.Enabled && WanDevice.IsManaged(w, snapshot)).ToDictionary(w => w.Name, StringComparer.Ordinal)
                : [];
            foreach (var (name, client) in _clients)
            {
                if (!wanted.TryGetValue(name, out var wan) || !client.Serves(wan))
                {
                    _clients.TryRemove(name, out _);
                    await client.DisposeAsync();
                }
            }
            foreach (var wan in wanted.Values.Where(w => !_clients.ContainsKey(w.Name)))
            {
                _clients[wan.Name] = WanClient.Start(wan, this);
            }
            Publish();
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>Publishes every client's state; subscribers hear of it only when something changed.</summary>
    internal void Publish()
    {
        bool changed;
        lock (_publishLock)
        {
            var next = _clients.ToDictionary(kv => kv.Key, kv => kv.Value.State, StringComparer.Ordinal);
            changed = next.Count != _current.Count || next.Any(kv => !_current.TryGetValue(kv.Key, out var old) || !Same(old, kv.Value));
            Volatile.Write(ref _current, next);
        }
        if (changed)
        {
            _subscribers.Notify(ex => LogSubscriberFailed(_logger, ex));
        }
    }

    private static bool Same(WanAddressState a, WanAddressState b) =>
        a with { DnsServers = [] } == b with { DnsServers = [] } && a.DnsServers.SequenceEqual(b.DnsServers, StringComparer.Ordinal);

    internal void Changed(WanAddressState state) => LogState(_logger, state.Wan, state.Device, state.Address, state.Gateway, state.State);

    [LoggerMessage(Level = LogLevel.Information, Message = "WAN {Wan} on {Device}: address {Address}, gateway {Gateway} ({State})")]
    private static partial void LogState(ILogger logger, string wan, string device, string? address, string? gateway, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Starting or stopping the WANs' address clients failed")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A listener of WAN addressing failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}
