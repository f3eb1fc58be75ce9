using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Appliance.Engine.Kernel.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Bonding;

/// <summary>
/// Hub role: an MPTCP listener for registered edges. Each connection must authenticate within the handshake time,
/// then the hub connects onward to the destination the edge asked for, if its destination policy permits it, and relays
/// both ways. Unauthenticated or malformed connections and refused destinations are closed without connecting
/// anywhere, and logged. A listener that cannot start (port taken, certificate unreadable) is reported and retried.
/// </summary>
public sealed partial class HubRelay : BackgroundService
{
    private readonly IRunningConfigSource _config;
    private readonly IEdgeDirectory _edges;
    private readonly ISocketFactory _sockets;
    private readonly LocalAddressReader _addresses;
    private readonly BondingMonitor _monitor;
    private readonly BondingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<HubRelay> _logger;
    private readonly RelaySessions _sessions;
    private readonly RelayBufferBudget _buffers;
    private readonly HandshakeSlots _handshakes;
    private TaskCompletionSource _configChanged = NewSignal();
    private TaskCompletionSource _refreshOwn = NewSignal();
    private volatile DestinationPolicy? _policy;

    public HubRelay(
        IRunningConfigSource config,
        IEdgeDirectory edges,
        ISocketFactory sockets,
        LocalAddressReader addresses,
        BondingMonitor monitor,
        IOptions<BondingOptions> options,
        TimeProvider time,
        ILogger<HubRelay> logger)
    {
        (_config, _edges, _sockets, _addresses, _monitor, _options, _time, _logger) = (config, edges, sockets, addresses, monitor, options.Value, time, logger);
        _sessions = new RelaySessions(time);
        _buffers = new RelayBufferBudget(_options.BufferBudgetBytes);
        _handshakes = new HandshakeSlots(_options.MaxPendingHandshakes, _options.MaxPendingHandshakesPerSource, time);
    }

    /// <summary>Sessions relayed now, all edges together.</summary>
    public int ActiveSessions => _sessions.Count;

    /// <summary>Where the hub may connect now; null until its own addresses have been read.</summary>
    public DestinationPolicy? Policy => _policy;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The role and listen settings are the running revision's.
        await _config.Ready.WaitAsync(stoppingToken);
        using var subscription = _config.Subscribe(_ => Signal(ref _configChanged));
        using var edgeChanges = _edges.Subscribe(id => _ = CloseChangedAsync(id));
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = Volatile.Read(ref _configChanged).Task;
            var settings = _config.Current.Config.Settings;
            if (settings.Role != ApplianceRole.Hub)
            {
                await Task.WhenAny(changed, Task.Delay(Timeout.Infinite, stoppingToken));
                continue;
            }
            // Listens until the listen settings or the role change, then starts over with the new ones.
            var listen = settings.Listen;
            Exception? failure;
            using (var restart = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                var serving = ServeAsync(listen, () => failures = 0, restart.Token);
                while (true)
                {
                    if (await Task.WhenAny(serving, changed) == serving)
                    {
                        break;
                    }
                    changed = Volatile.Read(ref _configChanged).Task;
                    var now = _config.Current.Config.Settings;
                    if (now.Role != ApplianceRole.Hub || now.Listen != listen)
                    {
                        break;
                    }
                    // A new configuration may come with new addresses of the hub's own.
                    Signal(ref _refreshOwn);
                }
                await restart.CancelAsync();
                failure = await serving;
            }
            if (failure is not null && !stoppingToken.IsCancellationRequested)
            {
                var delay = RetryDelay(++failures);
                _monitor.SetState("hub", "failed", listen.Address + ":" + listen.Port);
                _monitor.Failed($"the hub cannot serve on {listen.Address}:{listen.Port}: {failure.Message}; trying again in {delay.TotalSeconds:0.#} s");
                LogServeFailed(_logger, listen.Address, listen.Port, delay.TotalSeconds, failure);
                // A configuration change is worth trying at once; otherwise back off.
                await Task.WhenAny(Task.Delay(delay, _time, stoppingToken), changed);
            }
        }
    }

    /// <summary>Serves until cancelled; returns what kept it from serving (or broke it), never throws.</summary>
    private async Task<Exception?> ServeAsync(HubListenSettings listen, Action started, CancellationToken ct)
    {
        Socket? listener = null;
        try
        {
            var endpoint = new IPEndPoint(IPAddress.Parse(listen.Address), listen.Port);
            // Own addresses first: no edge is served before the hub knows which destinations are its own.
            _policy = new DestinationPolicy(await _addresses.ReadAsync(ct));
            using var certificate = HubCertificate.LoadOrCreate(_options.CertificatePath);
            var handshake = new HubHandshake(_edges, certificate, () => _policy ?? DestinationPolicy.WithoutOwnAddresses);
            listener = LinuxSockets.CreateMptcp(_sockets, endpoint.AddressFamily);
            LinuxSockets.SetReuseAddress(listener);
            listener.Bind(endpoint);
            listener.Listen(1024);
            _monitor.Watch(_buffers);
            _monitor.SetState("hub", "listening", endpoint.ToString());
            LogListening(_logger, endpoint);
            started();
            using var serving = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task[] loops = [AcceptAsync(listener, handshake, serving.Token), RefreshOwnAddressesAsync(serving.Token), SweepIdleAsync(serving.Token)];
            var first = await Task.WhenAny(loops);
            await serving.CancelAsync();
            await Task.WhenAll(loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            // Rethrows what ended the loop that ended first; cancellation when the hub was asked to stop.
            await first;
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
        finally
        {
            listener?.Dispose();
        }
    }

    private async Task AcceptAsync(Socket listener, HubHandshake handshake, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket edge;
            try
            {
                edge = await listener.AcceptAsync(ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // Out of descriptors or memory: a pause, rather than a loop that spins on the same error.
                LogAcceptFailed(_logger, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, ct);
                continue;
            }
            var from = (edge.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
            if (_handshakes.TryTake(from) is not { } slot)
            {
                // Too many half-open handshakes, in all or from this source: shed the newest rather than let a
                // flood hold every slot.
                _monitor.Shed();
                LogShed(_logger, edge.RemoteEndPoint);
                edge.Dispose();
                continue;
            }
            _ = SessionAsync(edge, handshake, slot, ct);
        }
    }

    /// <summary>Reads the hub's own addresses again now and then, and when the configuration changed.</summary>
    private async Task RefreshOwnAddressesAsync(CancellationToken ct)
    {
        var every = TimeSpan.FromSeconds(Math.Max(1, _options.OwnAddressRefreshSeconds));
        while (!ct.IsCancellationRequested)
        {
            await Task.WhenAny(Task.Delay(every, _time, ct), Volatile.Read(ref _refreshOwn).Task);
            if (ct.IsCancellationRequested)
            {
                return;
            }
            Volatile.Write(ref _refreshOwn, NewSignal());
            try
            {
                _policy = new DestinationPolicy(await _addresses.ReadAsync(ct));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The last addresses read stay in force.
                LogOwnAddressesFailed(_logger, ex);
            }
        }
    }

    private Task SweepIdleAsync(CancellationToken ct) => SessionSweeper.RunAsync(_sessions, _options, _time, (count, why) => LogClosedIdle(_logger, count, why), ct);

    /// <summary>An edge's registration changed: its sessions end when it was removed, disabled or re-keyed, or their destination is no longer allowed.</summary>
    private async Task CloseChangedAsync(string edgeId)
    {
        try
        {
            var now = await _edges.FindAsync(edgeId);
            var policy = _policy ?? DestinationPolicy.WithoutOwnAddresses;
            var closed = _sessions.Close(s => s.Edge?.Id == edgeId ? WhyClose(s.Edge, now, policy, s.Destination) : null);
            if (closed > 0)
            {
                LogClosedForEdge(_logger, closed, edgeId);
            }
        }
        catch (Exception ex)
        {
            LogEdgeChangeFailed(_logger, edgeId, ex);
        }
    }

    /// <summary>Why a session admitted under <paramref name="then"/> must not go on under <paramref name="now"/>, or null.</summary>
    internal static string? WhyClose(EdgeCredential then, EdgeCredential? now, DestinationPolicy policy, IPEndPoint destination) =>
        now is null ? "the edge was removed"
        : !now.Enabled ? "the edge was disabled"
        : !string.Equals(now.Key, then.Key, StringComparison.Ordinal) ? "the edge's key was replaced"
        : now.Encrypt != then.Encrypt ? "the edge's encryption setting changed"
        : policy.RefusedBecause(destination, now.AllowedDestinations) is { } why ? $"its destination is no longer allowed ({why})"
        : null;

    private TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(Math.Max(1000, _options.MaxRetryDelayMs), 1000 * Math.Pow(2, Math.Min(failures - 1, 16))));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void Signal(ref TaskCompletionSource signal) => Interlocked.Exchange(ref signal, NewSignal()).TrySetResult();

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub listening for edges on {Endpoint} (MPTCP)")]
    private static partial void LogListening(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "The hub cannot serve on {Address}:{Port}; trying again in {Seconds} s")]
    private static partial void LogServeFailed(ILogger logger, string address, int port, double seconds, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accepting an edge connection failed")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Too many handshakes in progress (in all or from this source); closed the connection from {From}")]
    private static partial void LogShed(ILogger logger, EndPoint? from);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the hub's own addresses failed; the last ones read stay in force")]
    private static partial void LogOwnAddressesFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} sessions: {Reason}")]
    private static partial void LogClosedIdle(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} sessions of edge {Edge}: its registration changed")]
    private static partial void LogClosedForEdge(ILogger logger, int count, string edge);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying a change of edge {Edge} to its live sessions failed")]
    private static partial void LogEdgeChangeFailed(ILogger logger, string edge, Exception exception);
}
