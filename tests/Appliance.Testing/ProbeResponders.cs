using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Appliance.Engine.Kernel;

namespace Appliance.Testing;

/// <summary>
/// Records the source of each ICMP echo request for one address. The kernel still answers the echo: a raw socket only
/// gets a copy, which is how a test sees which WAN a ping left by.
/// </summary>
public sealed class CountingIcmpEchoListener : CountingServer
{
    private const int SolRaw = 255;
    private const int IcmpFilter = 1;
    private const int EchoRequest = 8;
    private readonly Socket _socket;

    public CountingIcmpEchoListener(NamespaceThread ns, IPAddress address)
    {
        Address = address;
        _socket = ns.Invoke(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
            // Echo requests only (a set bit filters that type out).
            s.SetRawSocketOption(SolRaw, IcmpFilter, BitConverter.GetBytes(~(1u << EchoRequest)));
            // Bound to the address: the kernel then passes only packets sent to it (and .NET receives only on bound sockets).
            s.Bind(new IPEndPoint(address, 0));
            return s;
        });
        _ = ReceiveLoopAsync();
    }

    public IPAddress Address { get; }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        while (!Stopping.IsCancellationRequested)
        {
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), Stopping.Token);
                // Raw IPv4 sockets deliver the IP header: destination at 16, ICMP type right after the header.
                var headerLength = (buffer[0] & 0x0f) * 4;
                if (result.ReceivedBytes > headerLength && buffer[headerLength] == EchoRequest && new IPAddress(buffer.AsSpan(16, 4)).Equals(Address))
                {
                    Record(new IPAddress(buffer.AsSpan(12, 4)));
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _socket.Dispose();
    }
}

/// <summary>Answers every DNS query over UDP with an empty NOERROR response carrying the query's id and question.</summary>
public sealed class CountingDnsServer : CountingServer
{
    private readonly Socket _socket;

    public CountingDnsServer(NamespaceThread ns, IPEndPoint endpoint)
    {
        Endpoint = endpoint;
        _socket = ns.BindUdp(endpoint);
        _ = ReceiveLoopAsync();
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>Response code to answer with (0 NOERROR, 2 SERVFAIL, …).</summary>
    public int ResponseCode { get; set; }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        while (!Stopping.IsCancellationRequested)
        {
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), Stopping.Token);
                if (result.ReceivedBytes < 12)
                {
                    continue;
                }
                var peer = (IPEndPoint)result.RemoteEndPoint;
                Record(peer.Address);
                // The query itself, turned into a response: same id and question, QR and RA set, no records.
                var response = buffer.AsSpan(0, result.ReceivedBytes).ToArray();
                response[2] = (byte)(0x80 | (response[2] & 0x79));
                response[3] = (byte)(0x80 | (ResponseCode & 0x0f));
                BinaryPrimitives.WriteUInt16BigEndian(response.AsSpan(6), 0);
                BinaryPrimitives.WriteUInt16BigEndian(response.AsSpan(8), 0);
                await _socket.SendToAsync(response, peer, Stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _socket.Dispose();
    }
}

/// <summary>
/// Reads one HTTP request per connection and answers with a fixed status and no body, then closes; over TLS when given
/// a certificate.
/// </summary>
public sealed class CountingHttpServer : CountingServer
{
    private readonly Socket _listener;
    private readonly X509Certificate2? _certificate;

    public CountingHttpServer(NamespaceThread ns, IPEndPoint endpoint, int status = 204, X509Certificate2? certificate = null)
    {
        Endpoint = endpoint;
        Status = status;
        _certificate = certificate;
        _listener = ns.ListenTcp(endpoint, 128);
        _ = AcceptLoopAsync();
    }

    public IPEndPoint Endpoint { get; }

    public int Status { get; set; }

    /// <summary>Request lines received ("GET /path HTTP/1.1"), in order.</summary>
    public IReadOnlyList<string> RequestLines
    {
        get
        {
            lock (_requestLines)
            {
                return [.. _requestLines];
            }
        }
    }

    private readonly List<string> _requestLines = [];

    private async Task AcceptLoopAsync()
    {
        while (!Stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(Stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Record(((IPEndPoint)client.RemoteEndPoint!).Address);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await using var network = new NetworkStream(client, ownsSocket: true);
            Stream stream = network;
            if (_certificate is not null)
            {
                var tls = new SslStream(network);
                stream = tls;
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, timeout.Token);
            }
            await using (stream)
            {
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, timeout.Token);
                    if (n == 0)
                    {
                        return;
                    }
                    request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                lock (_requestLines)
                {
                    _requestLines.Add(request.ToString().Split("\r\n")[0]);
                }
                // A 204 must not carry a length; anything else says it has no body, so the client need not wait for the close.
                var head = Status == 204
                    ? "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
                    : $"HTTP/1.1 {Status} {(Status >= 500 ? "Server Error" : "Test")}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
                await stream.FlushAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // The client went away or the handshake failed; the connection was counted already.
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _listener.Dispose();
    }
}
