using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Appliance.Engine.Bonding;

// One edge connection: handshake within its time, admission under the edge's and the hub's caps, onward connect, relay.
public sealed partial class HubRelay
{
    private async Task SessionAsync(Socket edgeSocket, HubHandshake handshake, HandshakeSlots.Slot slot, CancellationToken ct)
    {
        var from = edgeSocket.RemoteEndPoint;
        var source = (from as IPEndPoint)?.Address;
        AcceptedEdge? accepted = null;
        RelaySession? session = null;
        Socket? onward = null;
        var admitted = false;
        try
        {
            edgeSocket.NoDelay = true;
            KeepAlive.Enable(edgeSocket, _options);
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                limit.CancelAfter(_options.HandshakeTimeoutMs);
                accepted = await handshake.AcceptAsync(new MultipathStream(edgeSocket), r => Rejected(r, source), limit.Token);
                if (accepted is null)
                {
                    _monitor.Failed($"edge at {from} refused");
                    return;
                }
                var edge = accepted.Edge;
                Trust(source);
                if (!_monitor.TryAdmit(edge.Id, edge.MaxSessions))
                {
                    LogBusy(_logger, edge.Id, edge.MaxSessions);
                    await HubHandshake.SendResultAsync(accepted.Stream, HubResult.Busy, limit.Token);
                    return;
                }
                admitted = true;
                session = _sessions.TryOpen(_options.MaxRelayedSessions, edge, accepted.Destination, ct);
                if (session is null)
                {
                    LogHubFull(_logger, edge.Id, _options.MaxRelayedSessions);
                    await HubHandshake.SendResultAsync(accepted.Stream, HubResult.Busy, limit.Token);
                    return;
                }
                // A change of the edge between its handshake and now would otherwise miss this session.
                if (WhyClose(edge, await _edges.FindAsync(edge.Id, limit.Token), _policy ?? DestinationPolicy.WithoutOwnAddresses, accepted.Destination) is { } why)
                {
                    LogRejected(_logger, from, $"edge '{edge.Id}': {why}");
                    await HubHandshake.SendResultAsync(accepted.Stream, HubResult.Denied, limit.Token);
                    return;
                }
            }
            slot.Dispose();
            session.Multipath = edgeSocket;
            HubResult result;
            (onward, result) = await ConnectOnwardAsync(accepted.Destination, session.Token);
            await HubHandshake.SendResultAsync(accepted.Stream, result, session.Token);
            if (onward is null)
            {
                _monitor.Failed($"edge {accepted.Edge.Id}: {accepted.Destination}: {result}");
                return;
            }
            _monitor.Opened();
            try
            {
                await using var edgeEnd = new RelayEnd(edgeSocket, accepted.Stream);
                await using var onwardEnd = new RelayEnd(onward);
                // "Up" is edge to destination, as on the edge.
                await DuplexRelay.RunAsync(edgeEnd, onwardEnd, _buffers, _monitor.Counters, session, session.Token);
            }
            finally
            {
                _monitor.Closed();
            }
        }
        catch (HubProtocolException ex)
        {
            LogMalformed(_logger, from, ex.Message);
            _monitor.Failed($"malformed handshake from {from}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && session is null)
        {
            LogMalformed(_logger, from, $"no complete handshake within {_options.HandshakeTimeoutMs} ms");
            _monitor.Failed($"handshake from {from} timed out");
        }
        catch (OperationCanceledException) when (session?.ClosedBecause is { } why)
        {
            LogSessionClosed(_logger, from, accepted?.Edge.Id, why);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            if (!ct.IsCancellationRequested)
            {
                LogSessionFailed(_logger, from, accepted?.Edge.Id, ex.Message);
            }
        }
        catch (Exception ex)
        {
            // Never lets a session's surprise reach the listener: this one ends, the others go on.
            LogSessionCrashed(_logger, from, accepted?.Edge.Id, ex);
        }
        finally
        {
            slot.Dispose();
            session?.Dispose();
            if (admitted)
            {
                _monitor.Release(accepted!.Edge.Id);
            }
            onward?.Dispose();
            edgeSocket.Dispose();
        }
    }

    private void Rejected(HandshakeRejection rejection, IPAddress? source)
    {
        if (rejection.Result == HubResult.NotPermitted && rejection.EdgeId is { } edge)
        {
            // Only an edge that proved its key gets as far as naming a destination.
            Trust(source);
            _monitor.Refused(edge);
            LogNotPermitted(_logger, rejection.Reason);
            return;
        }
        LogRejected(_logger, null, rejection.Reason);
    }

    private void Trust(IPAddress? source)
    {
        if (source is not null)
        {
            _handshakes.Trust(source);
        }
    }

    /// <summary>Connects to the edge's destination; the result tells the edge what happened.</summary>
    private async Task<(Socket? Socket, HubResult Result)> ConnectOnwardAsync(IPEndPoint destination, CancellationToken ct)
    {
        var socket = _sockets.Create(destination.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            KeepAlive.Enable(socket, _options);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(_options.ConnectTimeoutMs);
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
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused the connection from {From}: {Reason}")]
    private static partial void LogRejected(ILogger logger, EndPoint? from, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a destination before connecting: {Reason}")]
    private static partial void LogNotPermitted(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Malformed handshake from {From}, closed: {Reason}")]
    private static partial void LogMalformed(ILogger logger, EndPoint? from, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Edge {Edge} is at its limit of {Limit} sessions; refused one more")]
    private static partial void LogBusy(ILogger logger, string edge, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The hub relays its limit of {Limit} sessions; refused one more of edge {Edge}")]
    private static partial void LogHubFull(ILogger logger, string edge, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed the session from {From} (edge {Edge}): {Reason}")]
    private static partial void LogSessionClosed(ILogger logger, EndPoint? from, string? edge, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session from {From} (edge {Edge}) ended with an error: {Reason}")]
    private static partial void LogSessionFailed(ILogger logger, EndPoint? from, string? edge, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session from {From} (edge {Edge}) failed unexpectedly")]
    private static partial void LogSessionCrashed(ILogger logger, EndPoint? from, string? edge, Exception exception);
}
