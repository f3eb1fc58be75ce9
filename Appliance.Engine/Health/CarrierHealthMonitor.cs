using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Health;

/// <summary>Link health from carrier alone: an enabled WAN whose interface has carrier is up.</summary>
/// <remarks>The baseline every WAN gets; active probing refines it.</remarks>
public sealed partial class CarrierHealthMonitor(
    IRunningConfigSource config,
    LinkObserver observer,
    IOptions<EngineOptions> options,
    TimeProvider time,
    ILogger<CarrierHealthMonitor> logger) : BackgroundService, ILinkHealthSource
{
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<string, LinkHealth> _current = new Dictionary<string, LinkHealth>();
    private Action[] _subscribers = [];

    public IReadOnlyDictionary<string, LinkHealth> Current => _current;

    public IDisposable Subscribe(Action onChanged)
    {
        lock (_lock)
        {
            _subscribers = [.. _subscribers, onChanged];
        }
        return new Unsubscriber(() =>
        {
            lock (_lock)
            {
                _subscribers = _subscribers.Where(s => s != onChanged).ToArray();
            }
        });
    }

    /// <summary>Reads the kernel once and publishes when anything changed.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var wans = config.Current.Config.Wans.Where(w => w.Enabled).ToList();
        var facts = await observer.ReadAsync(wans.Select(w => w.Interface).ToList(), ct);
        var next = wans.ToDictionary(w => w.Name, w => Judge(w, facts[w.Interface]), StringComparer.Ordinal);
        if (next.Count == _current.Count && next.All(kv => _current.TryGetValue(kv.Key, out var old) && old == kv.Value))
        {
            return;
        }
        _current = next;
        foreach (var subscriber in _subscribers)
        {
            subscriber();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A new revision may add WANs or change interfaces: look at once instead of at the next poll.
        using var changed = config.Subscribe(_ => RefreshInBackground(stoppingToken));
        var period = TimeSpan.FromMilliseconds(options.Value.LinkPollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            await SafeRefreshAsync(stoppingToken);
            try
            {
                await Task.Delay(period, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void RefreshInBackground(CancellationToken ct) => _ = SafeRefreshAsync(ct);

    private async Task SafeRefreshAsync(CancellationToken ct)
    {
        try
        {
            await RefreshAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReadFailed(logger, ex);
        }
    }

    private static LinkHealth Judge(WanLink wan, InterfaceFacts facts)
    {
        var gateway = wan.Gateway == WanLink.DhcpGateway ? facts.DefaultGateway : wan.Gateway;
        if (!facts.Exists)
        {
            return new LinkHealth(LinkState.Down, $"down: interface {wan.Interface} does not exist", gateway);
        }
        return facts.Carrier
            ? new LinkHealth(LinkState.Up, "up: carrier present", gateway)
            : new LinkHealth(LinkState.Down, $"down: no carrier on {wan.Interface}", gateway);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading link state failed")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
