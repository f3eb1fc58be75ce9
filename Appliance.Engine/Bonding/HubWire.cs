using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Appliance.Engine.Bonding;

/// <summary>Frame layouts, limits and MACs of the edge–hub protocol (version 1), shared by both sides.</summary>
/// <remarks>
/// HELLO  hub→edge: "APH1" | serverNonce(16)
/// AUTH   edge→hub: version(1) | flags(1) | idLen(1) | edgeId | clientNonce(16) | mac(32)
/// ACCEPT hub→edge: status(1) | fpLen(1) | fingerprint | mac(32), or a lone status byte when refused
/// (TLS here when the edge encrypts)
/// CONNECT edge→hub: family(1) | address(4|16) | port(2, big-endian) | mac(32)
/// RESULT hub→edge: status(1)
/// Every MAC is keyed with the edge's key and covers the server nonce, so nothing recorded from one connection
/// verifies on another.
/// </remarks>
internal static class HubWire
{
    public const byte Version = 1;
    public const byte FlagEncrypt = 0x01;
    public const int NonceLength = 16;
    public const int MacLength = 32;
    public const int FingerprintLength = 32;
    public const int MaxEdgeIdLength = 63;
    public const int HelloLength = 4 + NonceLength;
    public const int AuthHeaderLength = 3;
    public const byte FamilyV4 = 4;
    public const byte FamilyV6 = 6;

    /// <summary>The TLS server name; the edge pins the certificate by fingerprint, so the name is only a label.</summary>
    public const string TlsHost = "appliance-hub";

    public static ReadOnlySpan<byte> Magic => "APH1"u8;

    public static ReadOnlySpan<byte> EdgeAuthLabel => "edge-auth"u8;

    public static ReadOnlySpan<byte> HubAuthLabel => "hub-auth"u8;

    public static ReadOnlySpan<byte> EdgeConnectLabel => "edge-connect"u8;

    public static byte[] KeyBytes(string key) => Encoding.UTF8.GetBytes(key);

    /// <summary>HMAC-SHA256 over the concatenation of the parts; no length prefixes, every part is fixed by the frame.</summary>
    public static byte[] Mac(byte[] key, ReadOnlySpan<byte> label, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c = default)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(label);
        hmac.AppendData(a);
        hmac.AppendData(b);
        hmac.AppendData(c);
        return hmac.GetHashAndReset();
    }

    public static bool MacEquals(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> received) =>
        CryptographicOperations.FixedTimeEquals(expected, received);

    /// <summary>Edge ids travel as printable ASCII without spaces, so they are safe to put in a log line.</summary>
    public static bool IsValidEdgeId(ReadOnlySpan<byte> id)
    {
        if (id.Length is < 1 or > MaxEdgeIdLength)
        {
            return false;
        }
        foreach (var b in id)
        {
            if (b is < 0x21 or > 0x7E)
            {
                return false;
            }
        }
        return true;
    }

    public static byte[] Nonce() => RandomNumberGenerator.GetBytes(NonceLength);

    /// <summary>A frame cut short is as malformed as a wrong one; a reset stays an <see cref="IOException"/>.</summary>
    public static async ValueTask ReadFrameAsync(Stream stream, Memory<byte> buffer, string frame, CancellationToken ct)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, ct);
        }
        catch (EndOfStreamException ex)
        {
            throw new HubProtocolException($"The connection closed in the middle of the {frame} frame", ex);
        }
    }

    public static async ValueTask WriteFrameAsync(Stream stream, ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        await stream.WriteAsync(frame, ct);
        await stream.FlushAsync(ct);
    }

    /// <summary>family | address | port, the part of CONNECT the MAC covers.</summary>
    public static byte[] EncodeDestination(IPEndPoint destination)
    {
        var address = destination.Address.IsIPv4MappedToIPv6 ? destination.Address.MapToIPv4() : destination.Address;
        var v4 = address.AddressFamily == AddressFamily.InterNetwork;
        var body = new byte[1 + (v4 ? 4 : 16) + 2];
        body[0] = v4 ? FamilyV4 : FamilyV6;
        address.TryWriteBytes(body.AsSpan(1), out _);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(body.Length - 2), (ushort)destination.Port);
        return body;
    }

    /// <summary>Address bytes for a family byte, or -1 for a family the protocol does not have.</summary>
    public static int AddressLength(byte family) => family switch
    {
        FamilyV4 => 4,
        FamilyV6 => 16,
        _ => -1,
    };

    public static IPEndPoint DecodeDestination(ReadOnlySpan<byte> body)
    {
        var address = new IPAddress(body[1..^2]);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return new IPEndPoint(address, BinaryPrimitives.ReadUInt16BigEndian(body[^2..]));
    }
}
