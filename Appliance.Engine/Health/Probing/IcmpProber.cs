using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.Health.Probing;

/// <summary>ICMP echo (ping) over a raw IPv4 socket bound to the WAN.</summary>
/// <remarks>
/// A raw socket rather than an unprivileged ping socket: only raw sockets take SO_BINDTODEVICE and SO_MARK on every
/// kernel the appliance runs on, and the engine runs as root anyway.
/// </remarks>
public sealed class IcmpProber(ISocketFactory sockets, TimeProvider time) : IProber
{
    private const byte EchoReply = 0;
    private const byte EchoRequest = 8;
    private const int HeaderLength = 8;

    // Every raw ICMP socket receives a copy of every echo reply that reaches its interface, so concurrent probes on one
    // WAN see each other's replies. One identifier for the process plus a process-wide sequence counter makes each
    // in-flight probe's (id, seq) unique; the random cookie in the payload tells our replies from those of another
    // program (ping, a second appliance process) that happens to use the same identifier.
    private static readonly ushort Identifier = (ushort)RandomNumberGenerator.GetInt32(1, 0x10000);
    private static readonly byte[] Cookie = RandomNumberGenerator.GetBytes(8);
    private static int _sequence = RandomNumberGenerator.GetInt32(int.MaxValue);

    public ProbeMethod Method => ProbeMethod.Icmp;

    public async Task<ProbeResult> ProbeAsync(ProbeTarget target, WanBinding wan, TimeSpan timeout, CancellationToken ct)
    {
        if (!IPAddress.TryParse(target.Host, out var address))
        {
            return ProbeResult.Lost($"ICMP target '{target.Host}' is not an IP address");
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return ProbeResult.Lost("IPv6 ICMP not supported yet");
        }
        var sequence = (ushort)Interlocked.Increment(ref _sequence);
        var request = BuildEchoRequest(Identifier, sequence);
        using var deadline = new ProbeDeadline(timeout, time, ct);
        try
        {
            // Only echo replies reach the socket: every other ICMP message on the interface would wake every probe.
            using var socket = WanSocket.CreateIcmp(sockets, wan, receiveOnly: EchoReply);
            var buffer = new byte[1500];
            var started = time.GetTimestamp();
            await socket.SendToAsync(request, SocketFlags.None, new IPEndPoint(address, 0), deadline.Token);
            while (true)
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), deadline.Token);
                if (IsOurReply(buffer.AsSpan(0, received.ReceivedBytes), address, sequence))
                {
                    return ProbeResult.Answered(time.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ProbeResult.Lost($"no ICMP echo reply from {address} {deadline.Within}");
        }
        catch (SocketException ex)
        {
            return ProbeResult.Lost($"ICMP echo to {address} via {wan.Interface} failed: {ex.SocketErrorCode} ({ex.Message})");
        }
    }

    private static byte[] BuildEchoRequest(ushort identifier, ushort sequence)
    {
        var packet = new byte[HeaderLength + Cookie.Length];
        packet[0] = EchoRequest;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), identifier);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), sequence);
        Cookie.CopyTo(packet, HeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), Checksum(packet));
        return packet;
    }

    /// <summary>Raw IPv4 sockets deliver the IP header too: skip it, then match source, type, id, seq and cookie.</summary>
    private static bool IsOurReply(ReadOnlySpan<byte> datagram, IPAddress from, ushort sequence)
    {
        if (datagram.Length < 20 || datagram[0] >> 4 != 4)
        {
            return false;
        }
        var ipHeaderLength = (datagram[0] & 0x0f) * 4;
        if (ipHeaderLength < 20 || datagram.Length < ipHeaderLength + HeaderLength + Cookie.Length ||
            !new IPAddress(datagram.Slice(12, 4)).Equals(from))
        {
            return false;
        }
        var icmp = datagram[ipHeaderLength..];
        // Raw sockets get packets before the ICMP layer has checked them, so a corrupted copy is possible: a valid
        // message sums to zero.
        return icmp[0] == EchoReply && icmp[1] == 0 &&
               BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]) == Identifier &&
               BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]) == sequence &&
               icmp.Slice(HeaderLength, Cookie.Length).SequenceEqual(Cookie) &&
               Checksum(icmp) == 0;
    }

    /// <summary>The Internet checksum (RFC 1071): one's complement of the one's-complement sum of 16-bit words.</summary>
    private static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }
        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (ushort)~sum;
    }
}
