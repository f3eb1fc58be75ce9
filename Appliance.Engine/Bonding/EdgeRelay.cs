using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Bonding;

/// <summary>
/// Edge role: accepts the LAN's bonded TCP sessions from TPROXY on a transparent listener (the accepted socket's
/// local endpoint is the original destination) and relays each over its own kernel MPTCP connection to the hub,
/// whose subflows the path manager spreads over every bonded WAN.
/// </summary>
public sealed partial class EdgeRelay(
    BondingPlanFeed feed,
    ISocketFactory sockets,
    BondingMonitor monitor,
    IOptions<BondingOptions> options,
    ILogger<EdgeRelay> logger) : BackgroundService
{
    private const int SolIp = 0;
    private const int IpTransparent = 19;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // An edge that never bonds never opens the listener (nor does a hub: its plans carry no bonding).
        try
        {
            await feed.FirstPlanAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var plan = feed.Current!;
        using var listener = Listen(plan.ProxyPort);
        monitor.SetState("edge", "idle", plan.Hub.ToString());
        LogListening(logger, plan.ProxyPort);
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket lan;
            try
            {
                lan = await listener.AcceptAsync(stoppingToken);
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
            _ = SessionAsync(lan, stoppingToken);
        }
    }

    private Socket Listen(int port)
    {
        var listener = sockets.Create(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // IP_TRANSPARENT: the listener takes connections addressed to any destination that TPROXY hands it.
            listener.SetRawSocketOption(SolIp, IpTransparent, BitConverter.GetBytes(1));
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            listener.Listen(1024);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private async Task SessionAsync(Socket lan, CancellationToken ct)
    {
        var destination = (IPEndPoint)lan.LocalEndPoint!;
        var plan = feed.Current;
        monitor.Opened();
        Socket? hub = null;
        try
        {
            lan.NoDelay = true;
            if (plan is null)
            {
                throw new IOException("bonding stopped before the session could start");
            }
            Stream stream;
            using (var setup = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                setup.CancelAfter(options.Value.HandshakeTimeoutMs);
                (hub, stream) = await ConnectHubAsync(plan, destination, setup.Token);
            }
            monitor.SetState("edge", "connected", plan.Hub.ToString());
            await using var lanEnd = new RelayEnd(lan);
            await using var hubEnd = new RelayEnd(hub, stream as System.Net.Security.SslStream);
            await DuplexRelay.RunAsync(lanEnd, hubEnd, monitor.Counters, ct);
        }
        catch (HubRefusedException ex)
        {
            // The LAN client was already accepted by TPROXY; a reset is the closest to "connection refused" it can get.
            monitor.SetState("edge", ex.Result is HubResult.Denied or HubResult.EncryptionMismatch ? "refused" : "connected", plan?.Hub.ToString());
            monitor.Failed($"{destination}: {ex.Message}");
            Abort(lan);
        }
        catch (Exception ex) when (ex is SocketException or IOException or HubProtocolException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            if (!ct.IsCancellationRequested)
            {
                monitor.SetState("edge", "unreachable", plan?.Hub.ToString());
                monitor.Failed($"{destination}: {ex.Message}");
                LogSessionFailed(logger, destination, ex.Message);
            }
            Abort(lan);
        }
        finally
        {
            hub?.Dispose();
            lan.Dispose();
            monitor.Closed();
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
            var socket = MptcpSocket.Create(sockets, AddressFamily.InterNetwork);
            try
            {
                // Bound to the WAN's address: its source rule routes the first subflow out of that WAN; the path
                // manager adds one subflow per other endpoint once the connection is up.
                socket.Bind(new IPEndPoint(IPAddress.Parse(path.Address), 0));
                using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    // A path that health has not yet called dead must not use up the whole handshake time.
                    attempt.CancelAfter(options.Value.HandshakeTimeoutMs / 2);
                    await socket.ConnectAsync(new IPEndPoint(hubAddress, plan.Hub.Port), attempt.Token);
                }
                var stream = await EdgeHandshake.ConnectAsync(new NetworkStream(socket, ownsSocket: false), identity, destination, ct);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accepting a bonded session failed")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bonded session to {Destination} failed: {Reason}")]
    private static partial void LogSessionFailed(ILogger logger, IPEndPoint destination, string reason);
}
