using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.Health.Probing;

/// <summary>A TCP handshake to the target through the WAN; the connection is closed as soon as it is made.</summary>
public sealed class TcpProber(ISocketFactory sockets, TimeProvider time) : IProber
{
    public ProbeMethod Method => ProbeMethod.Tcp;

    public async Task<ProbeResult> ProbeAsync(ProbeTarget target, WanBinding wan, TimeSpan timeout, CancellationToken ct)
    {
        if (!IPAddress.TryParse(target.Host, out var address))
        {
            return ProbeResult.Lost($"TCP target '{target.Host}' is not an IP address");
        }
        if (target.Port is < 1 or > 65535)
        {
            return ProbeResult.Lost($"TCP target {address} has no valid port ({target.Port})");
        }
        var endpoint = new IPEndPoint(address, target.Port);
        using var deadline = new ProbeDeadline(timeout, time, ct);
        try
        {
            using var socket = WanSocket.Create(sockets, wan, address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            // Close with a reset rather than a FIN: at several probes a second per target and WAN, graceful closes
            // would leave a TIME_WAIT socket behind for each, and the target frees the connection at once.
            socket.LingerState = new LingerOption(true, 0);
            var started = time.GetTimestamp();
            try
            {
                await socket.ConnectAsync(endpoint, deadline.Token);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // A refusal is a reset (or port unreachable) sent by the target itself: the SYN crossed the WAN and
                // the answer came back through it, which is all link health asks. Whether anything listens on the port
                // is the target's business, and treating it as loss would fail a healthy link over.
                return ProbeResult.Answered(time.GetElapsedTime(started).TotalMilliseconds);
            }
            return ProbeResult.Answered(time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ProbeResult.Lost($"no TCP answer from {endpoint} {deadline.Within}");
        }
        catch (SocketException ex)
        {
            return ProbeResult.Lost($"TCP connect to {endpoint} via {wan.Interface} failed: {ex.SocketErrorCode} ({ex.Message})");
        }
    }
}
