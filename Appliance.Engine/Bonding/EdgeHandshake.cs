using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;

namespace Appliance.Engine.Bonding;

/// <summary>The edge's side of the hub handshake, run once per relayed session on its own hub connection.</summary>
public static class EdgeHandshake
{
    /// <summary>
    /// Authenticates to the hub, checks the hub knows the key too, starts TLS when the identity asks for it and
    /// asks for <paramref name="destination"/>. Returns the stream to relay on once the hub has connected onward.
    /// </summary>
    /// <exception cref="HubRefusedException">The hub said no (denied, busy, destination unreachable, ...).</exception>
    /// <exception cref="HubProtocolException">The peer is not a hub that knows this edge's key.</exception>
    public static async Task<Stream> ConnectAsync(Stream hub, EdgeIdentity identity, IPEndPoint destination, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(destination);
        // Checked on the string: the ASCII encoder would turn any other character into a valid-looking '?'.
        if (!identity.EdgeId.All(c => c is >= '!' and <= '~') || !HubWire.IsValidEdgeId(Encoding.ASCII.GetBytes(identity.EdgeId)))
        {
            throw new ArgumentException($"Edge ids are 1 to {HubWire.MaxEdgeIdLength} printable ASCII characters without spaces", nameof(identity));
        }
        if (identity.Key.Length == 0)
        {
            throw new ArgumentException("The edge has no key", nameof(identity));
        }
        var id = Encoding.ASCII.GetBytes(identity.EdgeId);
        var key = HubWire.KeyBytes(identity.Key);

        var hello = new byte[HubWire.HelloLength];
        await HubWire.ReadFrameAsync(hub, hello, "HELLO", ct);
        if (!hello.AsSpan(0, 4).SequenceEqual(HubWire.Magic))
        {
            throw new HubProtocolException("The peer is not an appliance hub (no APH1 greeting)");
        }
        var serverNonce = hello[4..];
        var clientNonce = HubWire.Nonce();

        await HubWire.WriteFrameAsync(hub, Auth(key, id, identity.Encrypt, serverNonce, clientNonce), ct);
        var fingerprint = await ReadAcceptAsync(hub, key, identity.Encrypt, serverNonce, clientNonce, ct);

        var stream = identity.Encrypt ? await StartTlsAsync(hub, fingerprint, ct) : hub;
        try
        {
            var body = HubWire.EncodeDestination(destination);
            var mac = HubWire.Mac(key, HubWire.EdgeConnectLabel, serverNonce, clientNonce, body);
            await HubWire.WriteFrameAsync(stream, (byte[])[.. body, .. mac], ct);

            var result = new byte[1];
            await HubWire.ReadFrameAsync(stream, result, "RESULT", ct);
            ThrowUnlessOk(result[0]);
            return stream;
        }
        catch when (!ReferenceEquals(stream, hub))
        {
            // The TLS stream is ours until it is handed back; the caller still disposes the connection under it.
            await stream.DisposeAsync();
            throw;
        }
    }

    private static byte[] Auth(byte[] key, byte[] id, bool encrypt, byte[] serverNonce, byte[] clientNonce)
    {
        var frame = new byte[HubWire.AuthHeaderLength + id.Length + HubWire.NonceLength + HubWire.MacLength];
        frame[0] = HubWire.Version;
        frame[1] = encrypt ? HubWire.FlagEncrypt : (byte)0;
        frame[2] = (byte)id.Length;
        id.CopyTo(frame, HubWire.AuthHeaderLength);
        clientNonce.CopyTo(frame, HubWire.AuthHeaderLength + id.Length);
        var signed = frame.AsSpan(0, frame.Length - HubWire.MacLength);
        HubWire.Mac(key, HubWire.EdgeAuthLabel, serverNonce, signed).CopyTo(frame, signed.Length);
        return frame;
    }

    /// <summary>Reads ACCEPT and returns the certificate fingerprint the hub vouched for (empty without TLS).</summary>
    private static async Task<byte[]> ReadAcceptAsync(Stream hub, byte[] key, bool encrypt, byte[] serverNonce, byte[] clientNonce, CancellationToken ct)
    {
        var status = new byte[1];
        await HubWire.ReadFrameAsync(hub, status, "ACCEPT", ct);
        ThrowUnlessOk(status[0]);

        var fpLength = new byte[1];
        await HubWire.ReadFrameAsync(hub, fpLength, "ACCEPT", ct);
        var expected = encrypt ? HubWire.FingerprintLength : 0;
        if (fpLength[0] != expected)
        {
            throw new HubProtocolException($"The hub's ACCEPT carries a {fpLength[0]}-byte fingerprint where {expected} were expected");
        }
        var rest = new byte[expected + HubWire.MacLength];
        await HubWire.ReadFrameAsync(hub, rest, "ACCEPT", ct);

        var fingerprint = rest[..expected];
        byte[] signed = [status[0], fpLength[0], .. fingerprint];
        var mac = HubWire.Mac(key, HubWire.HubAuthLabel, clientNonce, serverNonce, signed);
        if (!HubWire.MacEquals(mac, rest.AsSpan(expected)))
        {
            // Whoever answered does not know the edge's key: not our hub, or something in the middle.
            throw new HubProtocolException("The hub's ACCEPT does not carry a valid MAC: the peer does not know this edge's key");
        }
        return fingerprint;
    }

    private static async Task<SslStream> StartTlsAsync(Stream hub, byte[] fingerprint, CancellationToken ct)
    {
        var pinMismatch = false;
        var tls = new SslStream(hub, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = HubWire.TlsHost,
            EnabledSslProtocols = SslProtocols.Tls13 | SslProtocols.Tls12,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            // The MAC-authenticated ACCEPT names the certificate, so the pin is the whole check: the hub's certificate
            // is self-signed and its name is a label, chain and name errors mean nothing here.
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                pinMismatch = certificate is null
                    || !CryptographicOperations.FixedTimeEquals(HubCertificate.Fingerprint(certificate), fingerprint);
                return !pinMismatch;
            },
        };
        try
        {
            await tls.AuthenticateAsClientAsync(options, ct);
            return tls;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException)
        {
            await tls.DisposeAsync();
            if (pinMismatch)
            {
                throw new HubProtocolException("The hub's TLS certificate is not the one its ACCEPT vouched for", ex);
            }
            if (ex is AuthenticationException)
            {
                throw new HubProtocolException("TLS with the hub failed: " + ex.Message, ex);
            }
            throw;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    private static void ThrowUnlessOk(byte status)
    {
        if (status == (byte)HubResult.Ok)
        {
            return;
        }
        if (!Enum.IsDefined((HubResult)status))
        {
            throw new HubProtocolException($"The hub answered with unknown status {status}");
        }
        throw new HubRefusedException((HubResult)status);
    }
}
