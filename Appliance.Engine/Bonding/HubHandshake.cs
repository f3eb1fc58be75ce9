using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Appliance.Engine.Bonding;

/// <summary>Why the hub turned a connection away, after it answered the edge.</summary>
/// <param name="EdgeId">The edge it claimed to be (whether or not it proved it), when it got that far.</param>
public sealed record HandshakeRejection(string? EdgeId, HubResult Result, string Reason);

/// <summary>The hub's side of the handshake: one instance serves every incoming edge connection.</summary>
/// <param name="policy">Where the hub may connect now (its own addresses change); the default refusals only when null.</param>
public sealed class HubHandshake(IEdgeDirectory edges, X509Certificate2 certificate, Func<DestinationPolicy>? policy = null)
{
    private readonly byte[] _fingerprint = HubCertificate.Fingerprint(certificate);

    // Built once rather than per session: the context resolves the certificate's chain (offline; it is self-signed).
    private readonly SslStreamCertificateContext _tlsContext = SslStreamCertificateContext.Create(
        certificate.HasPrivateKey ? certificate : throw new ArgumentException("The hub certificate needs its private key", nameof(certificate)),
        additionalCertificates: null,
        offline: true);

    /// <summary>
    /// Greets the edge, authenticates it against the directory, starts TLS when the edge is registered for it and
    /// reads where it wants to go, which must be a destination the policy permits for the edge. Returns null when the
    /// edge was refused: the refusal has been sent and <paramref name="rejection"/> told why; the caller closes the
    /// connection either way.
    /// </summary>
    /// <exception cref="HubProtocolException">The peer does not speak the protocol; nothing was answered.</exception>
    public async Task<AcceptedEdge?> AcceptAsync(Stream edge, Action<HandshakeRejection> rejection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(rejection);

        var serverNonce = HubWire.Nonce();
        await HubWire.WriteFrameAsync(edge, (byte[])[.. HubWire.Magic, .. serverNonce], ct);

        var header = new byte[HubWire.AuthHeaderLength];
        await HubWire.ReadFrameAsync(edge, header, "AUTH", ct);
        if (header[0] != HubWire.Version)
        {
            throw new HubProtocolException($"AUTH has protocol version {header[0]}, this hub speaks {HubWire.Version}");
        }
        if ((header[1] & ~HubWire.FlagEncrypt) != 0)
        {
            throw new HubProtocolException($"AUTH has unknown flags 0x{header[1]:x2}");
        }
        var idLength = header[2];
        if (idLength is < 1 or > HubWire.MaxEdgeIdLength)
        {
            throw new HubProtocolException($"AUTH has an edge id length of {idLength}, outside 1..{HubWire.MaxEdgeIdLength}");
        }
        var rest = new byte[idLength + HubWire.NonceLength + HubWire.MacLength];
        await HubWire.ReadFrameAsync(edge, rest, "AUTH", ct);
        var id = rest.AsSpan(0, idLength);
        if (!HubWire.IsValidEdgeId(id))
        {
            throw new HubProtocolException("AUTH has an edge id that is not printable ASCII");
        }
        var edgeId = Encoding.ASCII.GetString(id);
        var clientNonce = rest[idLength..(idLength + HubWire.NonceLength)];
        var wantsEncrypt = (header[1] & HubWire.FlagEncrypt) != 0;

        var credential = await edges.FindAsync(edgeId, ct);
        if (credential is null)
        {
            return await RefuseAsync(edge, edgeId, HubResult.Denied, rejection, $"edge '{edgeId}' is not registered on this hub", ct);
        }
        if (credential.Key.Length == 0)
        {
            return await RefuseAsync(edge, edgeId, HubResult.Denied, rejection, $"edge '{edgeId}' has no key on this hub", ct);
        }
        var key = HubWire.KeyBytes(credential.Key);
        var mac = HubWire.Mac(key, HubWire.EdgeAuthLabel, serverNonce, [.. header, .. rest.AsSpan(0, idLength + HubWire.NonceLength)]);
        if (!HubWire.MacEquals(mac, rest.AsSpan(idLength + HubWire.NonceLength)))
        {
            return await RefuseAsync(edge, edgeId, HubResult.Denied, rejection, $"edge '{edgeId}' failed authentication: its AUTH MAC does not verify (wrong key or replayed)", ct);
        }
        // Only an edge that proved the key learns whether it is disabled or how it is registered.
        if (!credential.Enabled)
        {
            return await RefuseAsync(edge, edgeId, HubResult.Denied, rejection, $"edge '{edgeId}' is disabled", ct);
        }
        if (wantsEncrypt != credential.Encrypt)
        {
            return await RefuseAsync(edge, edgeId, HubResult.EncryptionMismatch, rejection,
                $"edge '{edgeId}' asked for encrypt={wantsEncrypt} but is registered with encrypt={credential.Encrypt}", ct);
        }

        await HubWire.WriteFrameAsync(edge, Accept(key, credential.Encrypt, serverNonce, clientNonce), ct);
        var stream = credential.Encrypt ? await StartTlsAsync(edge, ct) : edge;
        try
        {
            var destination = await ReadConnectAsync(stream, key, serverNonce, clientNonce, credential, rejection, ct);
            if (destination is null)
            {
                await DisposeIfOwnedAsync(stream, edge);
                return null;
            }
            return new AcceptedEdge(credential, stream, destination);
        }
        catch
        {
            await DisposeIfOwnedAsync(stream, edge);
            throw;
        }
    }

    /// <summary>
    /// The last frame of the handshake: <see cref="HubResult.Ok"/> once connected onward (the relay starts right
    /// after), otherwise why not. On the stream <see cref="AcceptAsync"/> returned.
    /// </summary>
    public static async Task SendResultAsync(Stream stream, HubResult result, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await HubWire.WriteFrameAsync(stream, (byte[])[(byte)result], ct);
    }

    private byte[] Accept(byte[] key, bool encrypt, byte[] serverNonce, byte[] clientNonce)
    {
        byte[] signed = encrypt
            ? [(byte)HubResult.Ok, HubWire.FingerprintLength, .. _fingerprint]
            : [(byte)HubResult.Ok, 0];
        var mac = HubWire.Mac(key, HubWire.HubAuthLabel, clientNonce, serverNonce, signed);
        return [.. signed, .. mac];
    }

    private async Task<SslStream> StartTlsAsync(Stream edge, CancellationToken ct)
    {
        var tls = new SslStream(edge, leaveInnerStreamOpen: false);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _tlsContext,
            EnabledSslProtocols = SslProtocols.Tls13 | SslProtocols.Tls12,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        try
        {
            await tls.AuthenticateAsServerAsync(options, ct);
            return tls;
        }
        catch (AuthenticationException ex)
        {
            await tls.DisposeAsync();
            throw new HubProtocolException("TLS with the edge failed: " + ex.Message, ex);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    private async Task<IPEndPoint?> ReadConnectAsync(
        Stream stream, byte[] key, byte[] serverNonce, byte[] clientNonce, EdgeCredential edge, Action<HandshakeRejection> rejection, CancellationToken ct)
    {
        var edgeId = edge.Id;
        var family = new byte[1];
        await HubWire.ReadFrameAsync(stream, family, "CONNECT", ct);
        var addressLength = HubWire.AddressLength(family[0]);
        if (addressLength < 0)
        {
            throw new HubProtocolException($"CONNECT from edge '{edgeId}' has unknown address family {family[0]}");
        }
        var rest = new byte[addressLength + 2 + HubWire.MacLength];
        await HubWire.ReadFrameAsync(stream, rest, "CONNECT", ct);
        byte[] body = [family[0], .. rest.AsSpan(0, addressLength + 2)];
        var mac = HubWire.Mac(key, HubWire.EdgeConnectLabel, serverNonce, clientNonce, body);
        if (!HubWire.MacEquals(mac, rest.AsSpan(addressLength + 2)))
        {
            await RefuseAsync(stream, edgeId, HubResult.Denied, rejection, $"edge '{edgeId}' sent a CONNECT whose MAC does not verify", ct);
            return null;
        }
        var destination = HubWire.DecodeDestination(body);
        // Refused before any connect: the hub never even tries an address the policy keeps from edges.
        if ((policy?.Invoke() ?? DestinationPolicy.WithoutOwnAddresses).RefusedBecause(destination, edge.AllowedDestinations) is { } why)
        {
            await RefuseAsync(stream, edgeId, HubResult.NotPermitted, rejection, $"edge '{edgeId}' asked for {destination}, which is not permitted ({why})", ct);
            return null;
        }
        return destination;
    }

    private static async Task<AcceptedEdge?> RefuseAsync(
        Stream stream, string edgeId, HubResult result, Action<HandshakeRejection> rejection, string reason, CancellationToken ct)
    {
        rejection(new HandshakeRejection(edgeId, result, reason));
        await SendResultAsync(stream, result, ct);
        return null;
    }

    private static async ValueTask DisposeIfOwnedAsync(Stream stream, Stream edge)
    {
        if (!ReferenceEquals(stream, edge))
        {
            await stream.DisposeAsync();
        }
    }
}
