using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.Health.Probing;

/// <summary>A DNS query (type A, recursion desired) over UDP to the target through the WAN.</summary>
public sealed class DnsProber(ISocketFactory sockets, TimeProvider time) : IProber
{
    private const int HeaderLength = 12;
    private const int MaxNameLength = 255;
    private const int MaxLabelLength = 63;

    public ProbeMethod Method => ProbeMethod.Dns;

    public async Task<ProbeResult> ProbeAsync(ProbeTarget target, WanBinding wan, TimeSpan timeout, CancellationToken ct)
    {
        if (!IPAddress.TryParse(target.Host, out var address))
        {
            return ProbeResult.Lost($"DNS target '{target.Host}' is not an IP address");
        }
        var endpoint = new IPEndPoint(address, target.Port is > 0 and <= 65535 ? target.Port : 53);
        // A random id, as resolvers use: it is what tells the answer to this query apart from a late or forged one.
        var id = (ushort)RandomNumberGenerator.GetInt32(0x10000);
        if (!TryBuildQuery(id, target.Detail, out var query, out var error))
        {
            return ProbeResult.Lost(error);
        }
        using var deadline = new ProbeDeadline(timeout, time, ct);
        try
        {
            using var socket = WanSocket.Create(sockets, wan, address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            // Connected, so the kernel drops datagrams from anyone but the server and reports its port unreachable.
            await socket.ConnectAsync(endpoint, deadline.Token);
            var buffer = new byte[1500];
            var started = time.GetTimestamp();
            await socket.SendAsync(query, SocketFlags.None, deadline.Token);
            while (true)
            {
                var length = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                // Any response code counts, SERVFAIL and REFUSED included: the server answered through this WAN, and
                // its upstream trouble is not this link's.
                if (length >= HeaderLength && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id && (buffer[2] & 0x80) != 0)
                {
                    return ProbeResult.Answered(time.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ProbeResult.Lost($"no DNS response from {endpoint} {deadline.Within}");
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return ProbeResult.Lost($"DNS query to {endpoint} refused: port unreachable (no DNS server there)");
        }
        catch (SocketException ex)
        {
            return ProbeResult.Lost($"DNS query to {endpoint} via {wan.Interface} failed: {ex.SocketErrorCode} ({ex.Message})");
        }
    }

    /// <summary>Header (id, RD, one question) and the question for <paramref name="name"/>, type A, class IN.</summary>
    private static bool TryBuildQuery(ushort id, string name, out byte[] query, out string error)
    {
        query = [];
        error = "";
        var trimmed = name.Trim().TrimEnd('.');
        var labels = trimmed.Length == 0 ? [] : trimmed.Split('.');
        var nameLength = labels.Sum(l => l.Length + 1) + 1;
        if (nameLength > MaxNameLength)
        {
            error = $"DNS query name '{name}' is longer than {MaxNameLength} bytes";
            return false;
        }
        var bad = labels.FirstOrDefault(l => l.Length is 0 or > MaxLabelLength || l.Any(c => c > 0x7f));
        if (bad is not null)
        {
            error = $"DNS query name '{name}' has an invalid label '{bad}' (1-{MaxLabelLength} ASCII characters)";
            return false;
        }
        query = new byte[HeaderLength + nameLength + 4];
        BinaryPrimitives.WriteUInt16BigEndian(query, id);
        query[2] = 0x01; // RD: a recursive resolver must do the work, which is what a LAN client would ask of it
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(4), 1);
        var at = HeaderLength;
        foreach (var label in labels)
        {
            query[at++] = (byte)label.Length;
            foreach (var c in label)
            {
                query[at++] = (byte)c;
            }
        }
        query[at++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(at), 1); // QTYPE A
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(at + 2), 1); // QCLASS IN
        return true;
    }
}
