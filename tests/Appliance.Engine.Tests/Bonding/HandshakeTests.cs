using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Appliance.Engine.Bonding;

namespace Appliance.Engine.Tests.Bonding;

/// <summary>The edge–hub handshake over a real loopback connection: who gets through, and what the hub says to the rest.</summary>
public sealed class HandshakeTests : IDisposable
{
    private const string Key = "unit-test-shared-key-0123";
    private static readonly IPEndPoint Destination = new(IPAddress.Parse("203.0.113.10"), 443);
    private readonly X509Certificate2 _certificate;
    private readonly string _certificatePath = Path.Combine(Path.GetTempPath(), $"hub-tls-{Guid.NewGuid():N}.pfx");
    private readonly List<string> _rejections = [];

    public HandshakeTests() => _certificate = HubCertificate.LoadOrCreate(_certificatePath);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _certificate.Dispose();
        File.Delete(_certificatePath);
    }

    private HubHandshake Hub(params EdgeCredential[] edges) => new(new FakeEdgeDirectory(edges), _certificate);

    private static EdgeCredential Edge(string id = "edge-1", bool enabled = true, bool encrypt = false) => new(id, Key, enabled, encrypt, 16);

    private Task<AcceptedEdge?> AcceptAsync(HubHandshake hub, Socket socket) =>
        hub.AcceptAsync(new NetworkStream(socket), rejection => _rejections.Add(rejection.Reason), Ct);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_registered_edge_with_the_right_key_reaches_its_destination_and_data_flows_both_ways(bool encrypt)
    {
        using var pair = await LoopbackPair.CreateAsync();
        var hub = Hub(Edge(encrypt: encrypt));

        var accepting = AcceptAsync(hub, pair.Server);
        var connecting = EdgeHandshake.ConnectAsync(new NetworkStream(pair.Client), new EdgeIdentity("edge-1", Key, encrypt), Destination, Ct);
        var accepted = await accepting;
        Assert.NotNull(accepted);
        Assert.Equal(Destination, accepted.Destination);
        Assert.Equal("edge-1", accepted.Edge.Id);
        Assert.Equal(encrypt, accepted.Stream is System.Net.Security.SslStream);
        await HubHandshake.SendResultAsync(accepted.Stream, HubResult.Ok, Ct);
        await using var edge = await connecting;

        await edge.WriteAsync("ping"u8.ToArray(), Ct);
        var received = new byte[4];
        await accepted.Stream.ReadExactlyAsync(received, Ct);
        Assert.Equal("ping"u8.ToArray(), received);
        await accepted.Stream.WriteAsync("pong"u8.ToArray(), Ct);
        await edge.ReadExactlyAsync(received, Ct);
        Assert.Equal("pong"u8.ToArray(), received);
        Assert.Empty(_rejections);
        await accepted.Stream.DisposeAsync();
    }

    [Fact]
    public async Task A_wrong_key_is_denied_and_the_hub_never_reads_a_destination()
    {
        using var pair = await LoopbackPair.CreateAsync();

        var accepting = AcceptAsync(Hub(Edge()), pair.Server);
        var refused = await Assert.ThrowsAsync<HubRefusedException>(() =>
            EdgeHandshake.ConnectAsync(new NetworkStream(pair.Client), new EdgeIdentity("edge-1", "some-other-key-000000", false), Destination, Ct));

        Assert.Equal(HubResult.Denied, refused.Result);
        Assert.Null(await accepting);
        Assert.Contains(_rejections, r => r.Contains("MAC does not verify", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_and_disabled_edges_are_denied_alike()
    {
        foreach (var (registered, identity, reason) in new[]
                 {
                     (Edge(), new EdgeIdentity("stranger", Key, false), "not registered"),
                     (Edge(enabled: false), new EdgeIdentity("edge-1", Key, false), "disabled"),
                 })
        {
            using var pair = await LoopbackPair.CreateAsync();
            var accepting = AcceptAsync(Hub(registered), pair.Server);
            var refused = await Assert.ThrowsAsync<HubRefusedException>(() => EdgeHandshake.ConnectAsync(new NetworkStream(pair.Client), identity, Destination, Ct));
            Assert.Equal(HubResult.Denied, refused.Result);
            Assert.Null(await accepting);
            Assert.Contains(_rejections, r => r.Contains(reason, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_edge_asking_for_the_other_encryption_setting_is_told_so()
    {
        using var pair = await LoopbackPair.CreateAsync();

        var accepting = AcceptAsync(Hub(Edge(encrypt: true)), pair.Server);
        var refused = await Assert.ThrowsAsync<HubRefusedException>(() =>
            EdgeHandshake.ConnectAsync(new NetworkStream(pair.Client), new EdgeIdentity("edge-1", Key, false), Destination, Ct));

        Assert.Equal(HubResult.EncryptionMismatch, refused.Result);
        Assert.Null(await accepting);
    }

    [Fact]
    public async Task A_recorded_handshake_replayed_on_a_new_connection_is_denied()
    {
        var hub = Hub(Edge());
        byte[] recorded;
        using (var first = await LoopbackPair.CreateAsync())
        {
            var accepting = AcceptAsync(hub, first.Server);
            var written = new MemoryStream();
            var recorder = new InterceptingStream(new NetworkStream(first.Client), data =>
            {
                written.Write(data.Span);
                return data;
            });
            var connecting = EdgeHandshake.ConnectAsync(recorder, new EdgeIdentity("edge-1", Key, false), Destination, Ct);
            var accepted = await accepting;
            Assert.NotNull(accepted);
            await HubHandshake.SendResultAsync(accepted.Stream, HubResult.Ok, Ct);
            await connecting;
            recorded = written.ToArray();
        }

        using var second = await LoopbackPair.CreateAsync();
        var replayed = AcceptAsync(hub, second.Server);
        await second.Client.SendAsync(recorded, Ct);
        var hello = new byte[20];
        await new NetworkStream(second.Client).ReadExactlyAsync(hello, Ct);
        var status = new byte[1];
        await new NetworkStream(second.Client).ReadExactlyAsync(status, Ct);

        Assert.Null(await replayed);
        Assert.Equal((byte)HubResult.Denied, status[0]);
        Assert.Contains(_rejections, r => r.Contains("replayed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_destination_changed_in_flight_fails_its_mac()
    {
        using var pair = await LoopbackPair.CreateAsync();
        var accepting = AcceptAsync(Hub(Edge()), pair.Server);
        // The edge's second write is CONNECT (family, address, port, MAC): one address byte is flipped on its way.
        var writes = 0;
        var tamper = new InterceptingStream(new NetworkStream(pair.Client), data =>
        {
            if (writes++ != 1)
            {
                return data;
            }
            var copy = data.ToArray();
            copy[1] ^= 0x01;
            return copy;
        });

        var refused = await Assert.ThrowsAsync<HubRefusedException>(() => EdgeHandshake.ConnectAsync(tamper, new EdgeIdentity("edge-1", Key, false), Destination, Ct));

        Assert.Equal(HubResult.Denied, refused.Result);
        Assert.Null(await accepting);
        Assert.Contains(_rejections, r => r.Contains("CONNECT whose MAC", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("10.1.2.3", 443, "private-use")]
    [InlineData("169.254.169.254", 80, "link-local")]
    [InlineData("198.51.100.99", 22, "an address of the hub itself")]
    public async Task Private_link_local_and_the_hubs_own_destinations_are_refused_unless_the_edge_is_allowed_them(string address, int port, string why)
    {
        var destination = new IPEndPoint(IPAddress.Parse(address), port);
        var policy = new DestinationPolicy([IPNetwork.Parse("198.51.100.99/32")]);
        using (var pair = await LoopbackPair.CreateAsync())
        {
            var accepting = new HubHandshake(new FakeEdgeDirectory(Edge()), _certificate, () => policy)
                .AcceptAsync(new NetworkStream(pair.Server), r => _rejections.Add($"{r.EdgeId} {r.Result} {r.Reason}"), Ct);
            var refused = await Assert.ThrowsAsync<HubRefusedException>(() =>
                EdgeHandshake.ConnectAsync(new NetworkStream(pair.Client), new EdgeIdentity("edge-1", Key, false), destination, Ct));
            Assert.Equal(HubResult.NotPermitted, refused.Result);
            Assert.Null(await accepting);
            Assert.Contains(_rejections, r => r.StartsWith("edge-1 NotPermitted", StringComparison.Ordinal) && r.Contains(why, StringComparison.Ordinal));
        }

        // The same edge with the destination on its allow list gets through to its RESULT.
        using (var pair = await LoopbackPair.CreateAsync())
        {
            var allowed = Edge() with { AllowedDestinations = [new IPNetwork(destination.Address, 32)] };
            var accepting = new HubHandshake(new FakeEdgeDirectory(allowed), _certificate, () => policy)
                .AcceptAsync(new NetworkStream(pair.Server), r => _rejections.Add(r.Reason), Ct);
            var connecting = EdgeHandshake.ConnectAsync(new NetworkStream(pair.Client), new EdgeIdentity("edge-1", Key, false), destination, Ct);
            var accepted = await accepting;
            Assert.NotNull(accepted);
            Assert.Equal(destination, accepted.Destination);
            await HubHandshake.SendResultAsync(accepted.Stream, HubResult.Ok, Ct);
            await (await connecting).DisposeAsync();
        }
    }

    [Theory]
    [InlineData("127.0.0.1", 80, "loopback")]
    [InlineData("0.0.0.0", 80, "unspecified")]
    [InlineData("224.0.0.1", 80, "multicast")]
    [InlineData("203.0.113.10", 0, "port 0")]
    [InlineData("::1", 80, "loopback")]
    public async Task Destinations_that_mean_the_hub_itself_are_not_permitted(string address, int port, string why)
    {
        using var pair = await LoopbackPair.CreateAsync();
        var accepting = AcceptAsync(Hub(Edge()), pair.Server);

        var refused = await Assert.ThrowsAsync<HubRefusedException>(() =>
            EdgeHandshake.ConnectAsync(new NetworkStream(pair.Client), new EdgeIdentity("edge-1", Key, false), new IPEndPoint(IPAddress.Parse(address), port), Ct));

        Assert.Equal(HubResult.NotPermitted, refused.Result);
        Assert.Null(await accepting);
        Assert.Contains(_rejections, r => r.Contains(why, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new byte[] { 0x7f, 0, 6 })]          // unknown version
    [InlineData(new byte[] { 1, 0x80, 6 })]          // unknown flag
    [InlineData(new byte[] { 1, 0, 0 })]             // empty edge id
    [InlineData(new byte[] { 1, 0, 6, 0x20, 0x20 })] // id with spaces, then cut short
    public async Task Garbage_gets_no_answer_beyond_the_greeting(byte[] garbage)
    {
        using var pair = await LoopbackPair.CreateAsync();
        var accepting = AcceptAsync(Hub(Edge()), pair.Server);

        await pair.Client.SendAsync(garbage, Ct);
        pair.Client.Shutdown(SocketShutdown.Send);

        await Assert.ThrowsAsync<HubProtocolException>(() => accepting);
        pair.Server.Shutdown(SocketShutdown.Send);
        var answered = 0;
        var buffer = new byte[256];
        int read;
        while ((read = await pair.Client.ReceiveAsync(buffer, Ct)) > 0)
        {
            answered += read;
        }
        Assert.Equal(20, answered);
    }

    [Fact]
    public async Task An_edge_refuses_a_peer_that_is_not_a_hub()
    {
        using var pair = await LoopbackPair.CreateAsync();
        await pair.Server.SendAsync("HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray(), Ct);

        await Assert.ThrowsAsync<HubProtocolException>(() =>
            EdgeHandshake.ConnectAsync(new NetworkStream(pair.Client), new EdgeIdentity("edge-1", Key, false), Destination, Ct));
    }

    [Fact]
    public async Task An_edge_refuses_a_hub_that_does_not_know_its_key()
    {
        using var pair = await LoopbackPair.CreateAsync();
        // An impostor registered with another key for the same id: it cannot produce the ACCEPT MAC.
        var impostor = new HubHandshake(new FakeEdgeDirectory(new EdgeCredential("edge-1", "the-impostors-key-00000", true, false, 16)), _certificate);
        var accepting = impostor.AcceptAsync(new NetworkStream(pair.Server), _ => { }, Ct);

        // An impostor with another key fails the edge's AUTH and can only say no...
        await Assert.ThrowsAsync<HubRefusedException>(() =>
            EdgeHandshake.ConnectAsync(new NetworkStream(pair.Client), new EdgeIdentity("edge-1", Key, false), Destination, Ct));
        Assert.Null(await accepting);

        // ...and one that says yes anyway cannot sign its ACCEPT: the edge sends no destination to it.
        using var forged = await LoopbackPair.CreateAsync();
        byte[] hello = [.. "APH1"u8, .. new byte[16]];
        byte[] accept = [0, 0, .. new byte[32]];
        await forged.Server.SendAsync((byte[])[.. hello, .. accept], Ct);
        var error = await Assert.ThrowsAsync<HubProtocolException>(() =>
            EdgeHandshake.ConnectAsync(new NetworkStream(forged.Client), new EdgeIdentity("edge-1", Key, false), Destination, Ct));
        Assert.Contains("does not know this edge's key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_certificate_is_kept_owner_only_and_the_same_one_is_loaded_again()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_certificatePath));
        using var again = HubCertificate.LoadOrCreate(_certificatePath);
        Assert.Equal(HubCertificate.Fingerprint(_certificate), HubCertificate.Fingerprint(again));
    }
}
