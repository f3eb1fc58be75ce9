using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.Health.Probing;

/// <summary>An HTTP(S) GET through the WAN; any response below 500 means the link works.</summary>
/// <remarks>
/// One <see cref="HttpClient"/> per <see cref="WanBinding"/>: the binding lives in the handler's connect callback,
/// so clients cannot be shared between WANs, and creating one per probe would throw its handler away each time.
/// </remarks>
public sealed class HttpProber(ISocketFactory sockets, TimeProvider time) : IProber, IDisposable
{
    private readonly Dictionary<WanBinding, HttpClient> _clients = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    public ProbeMethod Method => ProbeMethod.Http;

    public async Task<ProbeResult> ProbeAsync(ProbeTarget target, WanBinding wan, TimeSpan timeout, CancellationToken ct)
    {
        if (!TryBuildUri(target, out var uri))
        {
            return ProbeResult.Lost($"HTTP target '{target.Host}:{target.Port}{target.Detail}' is not a valid URL");
        }
        var client = ClientFor(wan);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        // A fresh connection per probe: a pooled one would skip the handshake, so a probe could pass on a connection
        // opened before a routing change, and RTTs would jump between handshake and no handshake.
        request.Headers.ConnectionClose = true;
        using var deadline = new ProbeDeadline(timeout, time, ct);
        try
        {
            var started = time.GetTimestamp();
            // Headers are enough: the body may be large and says nothing more about the link.
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var rtt = time.GetElapsedTime(started).TotalMilliseconds;
            var status = (int)response.StatusCode;
            // 4xx (and 3xx, as redirects are not followed) still came from the server through this WAN; 5xx usually
            // means a proxy or load balancer could not reach what the probe is meant to check.
            return status < 500 ? ProbeResult.Answered(rtt) : ProbeResult.Lost($"{uri} answered HTTP {status} {response.ReasonPhrase}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ProbeResult.Lost($"no HTTP response from {uri} {deadline.Within}");
        }
        catch (HttpRequestException ex)
        {
            return ProbeResult.Lost($"HTTP request to {uri} via {wan.Interface} failed: {Describe(ex)}");
        }
        catch (SocketException ex)
        {
            return ProbeResult.Lost($"HTTP request to {uri} via {wan.Interface} failed: {ex.SocketErrorCode} ({ex.Message})");
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }
            _clients.Clear();
        }
    }

    private HttpClient ClientFor(WanBinding wan)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_clients.TryGetValue(wan, out var client))
            {
                _clients[wan] = client = CreateClient(wan);
            }
            return client;
        }
    }

    private HttpClient CreateClient(WanBinding wan)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (context, ct) => ConnectAsync(wan, context.DnsEndPoint, ct),
            // A redirect's target is another server, maybe over another WAN; the 3xx itself proves this link.
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                // Link health, not trust: an expired or self-signed certificate (common on ISP and device health
                // endpoints) still means the handshake crossed the WAN both ways. Nothing is sent that needs the peer
                // to be authentic.
#pragma warning disable CA5359 // see above: the probe measures reachability, it never trusts what it receives
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
            },
        };
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("appliance-link-probe/1");
        return client;
    }

    /// <summary>Resolves the host (IPv4 first) and connects a socket bound to the WAN, trying each address in turn.</summary>
    private async ValueTask<Stream> ConnectAsync(WanBinding wan, DnsEndPoint endpoint, CancellationToken ct)
    {
        var host = endpoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        SocketException? last = null;
        // IPv4 first: WAN uplinks are IPv4 in this appliance, and a name with both kinds would otherwise wait out an
        // IPv6 attempt that cannot succeed.
        foreach (var address in addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0))
        {
            var socket = WanSocket.Create(sockets, wan, address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.NoDelay = true;
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
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
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    private static bool TryBuildUri(ProbeTarget target, out Uri uri)
    {
        var host = IPAddress.TryParse(target.Host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{target.Host}]"
            : target.Host;
        var port = target.Port is > 0 and <= 65535 ? target.Port : target.Tls ? 443 : 80;
        var path = target.Detail.StartsWith('/') ? target.Detail : "/" + target.Detail;
        return Uri.TryCreate($"{(target.Tls ? "https" : "http")}://{host}:{port}{path}", UriKind.Absolute, out uri!);
    }

    /// <summary>The handler's error kind and the innermost cause, e.g. "ConnectionError: Connection refused".</summary>
    private static string Describe(HttpRequestException ex)
    {
        Exception inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }
        return $"{ex.HttpRequestError}: {inner.Message}";
    }
}
