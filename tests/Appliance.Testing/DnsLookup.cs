using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Engine.Kernel;

namespace Appliance.Testing;

/// <summary>An A-record lookup sent from inside a namespace to one DNS server, as a LAN device's resolver does.</summary>
public static class DnsLookup
{
    /// <summary>The first IPv4 address of the answer, or null when the server gave none (NXDOMAIN, SERVFAIL, no answer in time).</summary>
    public static async Task<IPAddress?> ResolveAsync(NamespaceThread ns, IPAddress server, string name, TimeSpan timeout, CancellationToken ct = default)
    {
        using var socket = ns.Invoke(() => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        var id = (ushort)Random.Shared.Next(1, ushort.MaxValue);
        await socket.SendToAsync(Query(id, name), new IPEndPoint(server, 53), ct);
        var buffer = new byte[1500];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, deadline.Token);
                if (received >= 12 && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id)
                {
                    return FirstA(buffer.AsSpan(0, received));
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private static byte[] Query(ushort id, string name)
    {
        var packet = new List<byte>();
        packet.AddRange([(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            packet.Add((byte)label.Length);
            packet.AddRange(Encoding.ASCII.GetBytes(label));
        }
        packet.AddRange([0, 0, 1, 0, 1]);
        return [.. packet];
    }

    private static IPAddress? FirstA(ReadOnlySpan<byte> reply)
    {
        var answers = BinaryPrimitives.ReadUInt16BigEndian(reply[6..]);
        var at = SkipName(reply, 12) + 4;
        for (var i = 0; i < answers && at + 10 <= reply.Length; i++)
        {
            at = SkipName(reply, at);
            var type = BinaryPrimitives.ReadUInt16BigEndian(reply[at..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(reply[(at + 8)..]);
            at += 10;
            if (type == 1 && length == 4 && at + 4 <= reply.Length)
            {
                return new IPAddress(reply.Slice(at, 4));
            }
            at += length;
        }
        return null;
    }

    private static int SkipName(ReadOnlySpan<byte> reply, int at)
    {
        while (at < reply.Length)
        {
            var length = reply[at];
            if (length == 0)
            {
                return at + 1;
            }
            if ((length & 0xC0) == 0xC0)
            {
                return at + 2;
            }
            at += length + 1;
        }
        return at;
    }
}
