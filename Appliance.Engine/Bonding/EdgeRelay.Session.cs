using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Appliance.Engine.Kernel.Sockets;
using Appliance.Engine.Planning;
using Microsoft.Extensions.Logging;

namespace Appliance.Engine.Bonding;

// One LAN session: over the bond when the hub takes it, otherwise balanced over one WAN.
public sealed partial class EdgeRelay
{
    private async Task SessionAsync(Socket lan, CancellationToken ct)
    {
        IPEndPoint destination;
        RelaySession? session = null;
        try
        {
            destination = (IPEndPoint)lan.LocalEndPoint!;
            lan.NoDelay = true;
            KeepAlive.Enable(lan, _options);
            session = _sessions.TryOpen(_options.MaxRelayedSessions, null, destination, ct);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The LAN client went away before the session started.
            lan.Dispose();
            return;
        }
        if (session is null)
        {
            _monitor.Failed($"{destination}: the edge relays its limit of {_options.MaxRelayedSessions} sessions");
            LogRelayFull(_logger, destination, _options.MaxRelayedSessions);
            Abort(lan);
            lan.Dispose();
            return;
        }
        try
        {
            var plan = _feed.Current;
            if (plan is null)
            {
                // Bonding stopped just now: nothing to relay or balance over; the kernel balances the client's retry.
                Abort(lan);
                return;
            }
            var fallback = await BondedAsync(lan, destination, plan, session);
            if (fallback is not null)
            {
                await FallbackAsync(lan, destination, plan, fallback, session);
            }
        }
        catch (Exception ex)
        {
            // Never lets a session's surprise reach the listener: this one ends, the others go on.
            LogSessionCrashed(_logger, destination, ex);
            Abort(lan);
        }
        finally
        {
            session.Dispose();
            lan.Dispose();
        }
    }

    /// <summary>Relays the session over the bond; returns why the bond could not take it (then nothing was sent yet), or null.</summary>
    private async Task<string?> BondedAsync(Socket lan, IPEndPoint destination, BondingPlan plan, RelaySession session)
    {
        if (Interlocked.Increment(ref _bonded) > _options.MaxBondedSessions)
        {
            Interlocked.Decrement(ref _bonded);
            return $"the edge bonds its limit of {_options.MaxBondedSessions} sessions";
        }
        Socket? hub = null;
        var opened = false;
        try
        {
            Stream stream;
            using (var setup = CancellationTokenSource.CreateLinkedTokenSource(session.Token))
            {
                setup.CancelAfter(_options.HandshakeTimeoutMs);
                (hub, stream) = await ConnectHubAsync(plan, destination, setup.Token);
            }
            session.Multipath = hub;
            _monitor.SetState("edge", "connected", plan.Hub.ToString());
            _monitor.Opened();
            opened = true;
            await using var lanEnd = new RelayEnd(lan);
            await using var hubEnd = new RelayEnd(hub, stream);
            await DuplexRelay.RunAsync(lanEnd, hubEnd, _buffers, _monitor.Counters, session, session.Token);
            return null;
        }
        catch (HubRefusedException ex) when (ex.Result is HubResult.Busy or HubResult.NotPermitted or HubResult.Denied or HubResult.EncryptionMismatch)
        {
            // The hub answered but will not take this session (busy, a destination it keeps from edges, this edge
            // unknown there): the client still gets its connection, balanced.
            _monitor.SetState("edge", ex.Result is HubResult.Denied or HubResult.EncryptionMismatch ? "refused" : "connected", plan.Hub.ToString());
            return $"the hub refused it: {ex.Message}";
        }
        catch (HubRefusedException ex)
        {
            // The destination itself failed from the hub (refused, unreachable, timed out): say so to the client.
            _monitor.SetState("edge", "connected", plan.Hub.ToString());
            _monitor.Failed($"{destination}: {ex.Message}");
            Abort(lan);
            return null;
        }
        catch (Exception ex) when (!opened && !session.Token.IsCancellationRequested &&
                                   ex is SocketException or IOException or HubProtocolException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            _monitor.SetState("edge", "unreachable", plan.Hub.ToString());
            _monitor.Failed($"{destination}: {ex.Message}");
            LogSessionFailed(_logger, destination, ex.Message);
            return $"the hub is unreachable: {ex.Message}";
        }
        catch (Exception ex) when (ex is SocketException or IOException or HubProtocolException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            if (session.ClosedBecause is { } why)
            {
                LogSessionClosed(_logger, destination, why);
            }
            else if (!session.Token.IsCancellationRequested)
            {
                _monitor.Failed($"{destination}: {ex.Message}");
                LogSessionFailed(_logger, destination, ex.Message);
            }
            Abort(lan);
            return null;
        }
        finally
        {
            hub?.Dispose();
            if (opened)
            {
                _monitor.Closed();
            }
            Interlocked.Decrement(ref _bonded);
        }
    }

    /// <summary>Connects to the hub with the initial subflow on the best path, trying the next when one fails.</summary>
    private async Task<(Socket Hub, Stream Stream)> ConnectHubAsync(BondingPlan plan, IPEndPoint destination, CancellationToken ct)
    {
        var hubAddress = IPAddress.TryParse(plan.Hub.Address, out var parsed)
            ? parsed
            : (await Dns.GetHostAddressesAsync(plan.Hub.Address, AddressFamily.InterNetwork, ct)).First();
        var identity = new EdgeIdentity(plan.Hub.EdgeId, plan.Hub.Key, plan.Hub.Encrypt);
        Exception? last = null;
        foreach (var path in plan.Paths)
        {
            var socket = LinuxSockets.CreateMptcp(_sockets, AddressFamily.InterNetwork);
            try
            {
                KeepAlive.Enable(socket, _options);
                // Bound to the WAN's address: its source rule routes the first subflow out of that WAN; the path
                // manager adds one subflow per other endpoint once the connection is up.
                socket.Bind(new IPEndPoint(IPAddress.Parse(path.Address), 0));
                using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    // A path that health has not yet called dead must not use up the whole handshake time.
                    attempt.CancelAfter(_options.HandshakeTimeoutMs / 2);
                    await socket.ConnectAsync(new IPEndPoint(hubAddress, plan.Hub.Port), attempt.Token);
                }
                var stream = await EdgeHandshake.ConnectAsync(new MultipathStream(socket), identity, destination, ct);
                return (socket, stream);
            }
            catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new IOException($"hub {plan.Hub.Address}:{plan.Hub.Port} is unreachable over every bonded WAN ({last?.Message})", last);
    }

    /// <summary>
    /// Balances the session over one WAN, chosen by weight: a direct connection carrying the WAN's mark, so its routing
    /// table and masquerading apply as to any balanced session.
    /// </summary>
    private async Task FallbackAsync(Socket lan, IPEndPoint destination, BondingPlan plan, string why, RelaySession session)
    {
        if (FallbackPicker.Pick(plan.Fallback, Random.Shared.Next()) is not { } wan)
        {
            _monitor.Failed($"{destination}: {why}, and no WAN takes balanced sessions");
            Abort(lan);
            return;
        }
        var direct = _sockets.Create(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            direct.NoDelay = true;
            LinuxSockets.SetMark(direct, wan.Mark);
            KeepAlive.Enable(direct, _options);
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(session.Token))
            {
                limit.CancelAfter(_options.ConnectTimeoutMs);
                await direct.ConnectAsync(destination, limit.Token);
            }
            LogFallback(_logger, destination, wan.Wan, why);
            _monitor.FallbackOpened();
            try
            {
                await using var lanEnd = new RelayEnd(lan);
                await using var directEnd = new RelayEnd(direct);
                // Not counted as relayed bytes: those measure the bond's goodput.
                await DuplexRelay.RunAsync(lanEnd, directEnd, _buffers, null, session, session.Token);
            }
            finally
            {
                _monitor.FallbackClosed();
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            if (session.ClosedBecause is { } closed)
            {
                LogSessionClosed(_logger, destination, closed);
            }
            else if (!session.Token.IsCancellationRequested)
            {
                _monitor.Failed($"{destination}: balanced over {wan.Wan} ({why}): {ex.Message}");
            }
            Abort(lan);
        }
        finally
        {
            direct.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bonded session to {Destination} failed: {Reason}")]
    private static partial void LogSessionFailed(ILogger logger, IPEndPoint destination, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed the session to {Destination}: {Reason}")]
    private static partial void LogSessionClosed(ILogger logger, IPEndPoint destination, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session to {Destination} balanced over {Wan}: {Reason}")]
    private static partial void LogFallback(ILogger logger, IPEndPoint destination, string wan, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The edge relays its limit of {Limit} sessions; reset one more to {Destination}")]
    private static partial void LogRelayFull(ILogger logger, IPEndPoint destination, int limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session to {Destination} failed unexpectedly")]
    private static partial void LogSessionCrashed(ILogger logger, IPEndPoint destination, Exception exception);
}
