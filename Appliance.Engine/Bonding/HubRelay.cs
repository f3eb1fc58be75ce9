using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Bonding;

/// <summary>
/// Hub role: an MPTCP listener for registered edges. Each connection must authenticate within the handshake time,
/// then the hub connects onward to the destination the edge asked for and relays both ways. Unauthenticated or
/// malformed connections are closed without connecting anywhere, and logged.
/// </summary>
public sealed partial class HubRelay(
    IRunningConfigSource config,
    IEdgeDirectory edges,
    ISocketFactory sockets,
    BondingMonitor monitor,
    IOptions<BondingOptions> options,
    ILogger<HubRelay> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var changed = new SemaphoreSlim(0);
        using var subscription = config.Subscribe(_ => changed.Release());
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = config.Current.Config.Settings;
            if (settings.Role != ApplianceRole.Hub)
            {
                await changed.WaitAsync(stoppingToken);
                continue;
            }
            // Listens until the listen settings or the role change, then starts over with the new ones.
            var listen = settings.Listen;
            using var restart = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var serving = ServeAsync(listen, restart.Token);
            while (!stoppingToken.IsCancellationRequested)
            {
                await changed.WaitAsync(stoppingToken);
                var now = config.Current.Config.Settings;
                if (now.Role != ApplianceRole.Hub || now.Listen != listen)
                {
                    break;
                }
            }
            await restart.CancelAsync();
            await serving;
        }
    }

    private async Task ServeAsync(HubListenSettings listen, CancellationToken ct)
    {
        var endpoint = new IPEndPoint(IPAddress.Parse(listen.Address), listen.Port);
        Socket listener;
        try
        {
            listener = MptcpSocket.Create(sockets, endpoint.AddressFamily);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endpoint);
            listener.Listen(1024);
        }
        catch (SocketException ex)
        {
            monitor.SetState("hub", "failed", endpoint.ToString());
            monitor.Failed($"cannot listen on {endpoint}: {ex.Message}");
            LogListenFailed(logger, endpoint, ex);
            return;
        }
        using var owned = listener;
        var certificate = HubCertificate.LoadOrCreate(options.Value.CertificatePath);
        var handshake = new HubHandshake(edges, certificate);
        var pending = new SemaphoreSlim(options.Value.MaxPendingHandshakes);
        monitor.SetState("hub", "listening", endpoint.ToString());
        LogListening(logger, endpoint);
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
                LogAcceptFailed(logger, ex);
                continue;
            }
            if (!pending.Wait(0))
            {
                // Too many half-open handshakes: shed the newest rather than let a flood hold every slot.
                LogShed(logger, edge.RemoteEndPoint);
                edge.Dispose();
                continue;
            }
            _ = SessionAsync(edge, handshake, pending, ct);
        }
    }

    private async Task SessionAsync(Socket edgeSocket, HubHandshake handshake, SemaphoreSlim pending, CancellationToken ct)
    {
        var from = edgeSocket.RemoteEndPoint;
        var pendingHeld = true;
        AcceptedEdge? accepted = null;
        Socket? onward = null;
        var admitted = false;
        try
        {
            edgeSocket.NoDelay = true;
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                limit.CancelAfter(options.Value.HandshakeTimeoutMs);
                accepted = await handshake.AcceptAsync(new NetworkStream(edgeSocket, ownsSocket: false), reason => LogRejected(logger, from, reason), limit.Token);
                if (accepted is null)
                {
                    monitor.Failed($"edge at {from} refused");
                    return;
                }
                if (!monitor.TryAdmit(accepted.Edge.Id, accepted.Edge.MaxSessions))
                {
                    LogBusy(logger, accepted.Edge.Id, accepted.Edge.MaxSessions);
                    await HubHandshake.SendResultAsync(accepted.Stream, HubResult.Busy, limit.Token);
                    return;
                }
                admitted = true;
                pending.Release();
                pendingHeld = false;
            }
            HubResult result;
            (onward, result) = await ConnectOnwardAsync(accepted.Destination, ct);
            await HubHandshake.SendResultAsync(accepted.Stream, result, ct);
            if (onward is null)
            {
                monitor.Failed($"edge {accepted.Edge.Id}: {accepted.Destination}: {result}");
                return;
            }
            monitor.Opened();
            try
            {
                await using var edgeEnd = new RelayEnd(edgeSocket, accepted.Stream as SslStream);
                await using var onwardEnd = new RelayEnd(onward);
                // "Up" is edge to destination, as on the edge.
                await DuplexRelay.RunAsync(edgeEnd, onwardEnd, monitor.Counters, ct);
            }
            finally
            {
                monitor.Closed();
            }
        }
        catch (HubProtocolException ex)
        {
            LogMalformed(logger, from, ex.Message);
            monitor.Failed($"malformed handshake from {from}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && !admitted)
        {
            LogMalformed(logger, from, $"no complete handshake within {options.Value.HandshakeTimeoutMs} ms");
            monitor.Failed($"handshake from {from} timed out");
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or System.Security.Authentication.AuthenticationException)
        {
            if (!ct.IsCancellationRequested)
            {
                LogSessionFailed(logger, from, accepted?.Edge.Id, ex.Message);
            }
        }
        finally
        {
            if (pendingHeld)
            {
                pending.Release();
            }
            if (admitted)
            {
                monitor.Release(accepted!.Edge.Id);
            }
            onward?.Dispose();
            edgeSocket.Dispose();
        }
    }

    /// <summary>Connects to the edge's destination; the result tells the edge what happened.</summary>
    private async Task<(Socket? Socket, HubResult Result)> ConnectOnwardAsync(IPEndPoint destination, CancellationToken ct)
    {
        var socket = sockets.Create(destination.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(options.Value.ConnectTimeoutMs);
            await socket.ConnectAsync(destination, limit.Token);
            return (socket, HubResult.Ok);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            return (null, HubResult.Timeout);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            return (null, ex.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => HubResult.Refused,
                SocketError.TimedOut => HubResult.Timeout,
                _ => HubResult.Unreachable,
            });
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub listening for edges on {Endpoint} (MPTCP)")]
    private static partial void LogListening(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub cannot listen on {Endpoint}")]
    private static partial void LogListenFailed(ILogger logger, IPEndPoint endpoint, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accepting an edge connection failed")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Too many handshakes in progress; closed the connection from {From}")]
    private static partial void LogShed(ILogger logger, EndPoint? from);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused the connection from {From}: {Reason}")]
    private static partial void LogRejected(ILogger logger, EndPoint? from, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Malformed handshake from {From}, closed: {Reason}")]
    private static partial void LogMalformed(ILogger logger, EndPoint? from, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Edge {Edge} is at its limit of {Limit} sessions; refused one more")]
    private static partial void LogBusy(ILogger logger, string edge, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session from {From} (edge {Edge}) ended with an error: {Reason}")]
    private static partial void LogSessionFailed(ILogger logger, EndPoint? from, string? edge, string reason);
}
