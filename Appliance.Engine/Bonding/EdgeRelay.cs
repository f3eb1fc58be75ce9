using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Kernel;
using Appliance.Engine.Kernel.Sockets;
using Appliance.Engine.Planning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Bonding;

/// <summary>
/// Edge role: accepts the LAN's bonded TCP sessions from TPROXY on a transparent listener (the accepted socket's
/// local endpoint is the original destination) and relays each over its own kernel MPTCP connection to the hub,
/// whose subflows the path manager spreads over every bonded WAN. A session the bond cannot take (the hub busy,
/// unreachable or refusing it, the edge's own cap) is balanced over one WAN instead. A listener that cannot start is
/// reported and retried.
/// </summary>
public sealed partial class EdgeRelay : BackgroundService
{
    private readonly BondingPlanFeed _feed;
    private readonly ISocketFactory _sockets;
    private readonly BondingMonitor _monitor;
    private readonly BondingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<EdgeRelay> _logger;
    private readonly RelaySessions _sessions;
    private readonly RelayBufferBudget _buffers;
    private int _bonded;

    public EdgeRelay(BondingPlanFeed feed, ISocketFactory sockets, BondingMonitor monitor, IOptions<BondingOptions> options, TimeProvider time, ILogger<EdgeRelay> logger)
    {
        (_feed, _sockets, _monitor, _options, _time, _logger) = (feed, sockets, monitor, options.Value, time, logger);
        _sessions = new RelaySessions(time);
        _buffers = new RelayBufferBudget(_options.BufferBudgetBytes);
    }

    /// <summary>Sessions relayed now, bonded and fallback together.</summary>
    public int ActiveSessions => _sessions.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // An edge that never bonds never opens the listener (nor does a hub: its plans carry no bonding).
        try
        {
            await _feed.FirstPlanAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var port = _feed.Current?.ProxyPort ?? KernelIds.BondProxyPort;
            var failure = await ServeAsync(port, () => failures = 0, stoppingToken);
            if (failure is null || stoppingToken.IsCancellationRequested)
            {
                continue;
            }
            var delay = TimeSpan.FromMilliseconds(Math.Min(Math.Max(1000, _options.MaxRetryDelayMs), 1000 * Math.Pow(2, Math.Min(failures++, 16))));
            _monitor.SetState("edge", "failed", _feed.Current?.Hub.ToString());
            _monitor.Failed($"the bonding relay cannot serve on 127.0.0.1:{port}: {failure.Message}; trying again in {delay.TotalSeconds:0.#} s");
            LogServeFailed(_logger, port, delay.TotalSeconds, failure);
            await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Serves until stopped; returns what kept it from serving (or broke it), never throws.</summary>
    private async Task<Exception?> ServeAsync(int port, Action started, CancellationToken ct)
    {
        Socket? listener = null;
        try
        {
            listener = Listen(port);
            _monitor.Watch(_buffers);
            _monitor.SetState("edge", "idle", _feed.Current?.Hub.ToString());
            LogListening(_logger, port);
            started();
            using var serving = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task[] loops = [AcceptAsync(listener, serving.Token), SweepIdleAsync(serving.Token)];
            var first = await Task.WhenAny(loops);
            await serving.CancelAsync();
            await Task.WhenAll(loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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

    private async Task AcceptAsync(Socket listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket lan;
            try
            {
                lan = await listener.AcceptAsync(ct);
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
            _ = SessionAsync(lan, ct);
        }
    }

    private Task SweepIdleAsync(CancellationToken ct) => SessionSweeper.RunAsync(_sessions, _options, _time, (count, why) => LogClosedIdle(_logger, count, why), ct);

    private Socket Listen(int port)
    {
        var listener = _sockets.Create(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Transparent: the listener takes connections addressed to any destination that TPROXY hands it.
            LinuxSockets.SetTransparent(listener);
            LinuxSockets.SetReuseAddress(listener);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            listener.Listen(4096);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone: nothing left to reset.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bonding relay listening on 127.0.0.1:{Port} for TPROXY'd LAN sessions")]
    private static partial void LogListening(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Error, Message = "The bonding relay cannot serve on 127.0.0.1:{Port}; trying again in {Seconds} s")]
    private static partial void LogServeFailed(ILogger logger, int port, double seconds, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accepting a bonded session failed")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} sessions: {Reason}")]
    private static partial void LogClosedIdle(ILogger logger, int count, string reason);
}
