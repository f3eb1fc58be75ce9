using Appliance.Engine.Kernel.Sockets;

namespace Appliance.Engine.Bonding;

/// <summary>
/// Ends sessions nothing else would end: an MPTCP leg whose peer vanished without a FIN (no acknowledgement of data in
/// flight, or no path left, for the keepalive time), and a session that moved no byte either way for the idle timeout.
/// </summary>
internal static class SessionSweeper
{
    public static async Task RunAsync(RelaySessions sessions, BondingOptions options, TimeProvider time, Action<int, string> closed, CancellationToken ct)
    {
        var idle = TimeSpan.FromSeconds(Math.Max(1, options.IdleTimeoutSeconds));
        // A peer that acknowledges nothing for as long as keepalive waits before giving up is gone.
        var silence = TimeSpan.FromSeconds(Math.Max(1, options.KeepAliveIdleSeconds + (options.KeepAliveIntervalSeconds * options.KeepAliveProbes)));
        // Keepalive has ended each dead subflow; the connection gets as long as keepalive probes a path to find a new one
        // (an edge whose links all failed adds subflows again when one returns).
        var pathless = TimeSpan.FromSeconds(Math.Max(1, options.KeepAliveIntervalSeconds * options.KeepAliveProbes));
        var every = TimeSpan.FromSeconds(Math.Clamp(options.KeepAliveIntervalSeconds, 1, 60));
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(every, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (ct.IsCancellationRequested)
            {
                return;
            }
            if (sessions.CloseDead(silence, pathless, LinuxSockets.MptcpState) is > 0 and var dead)
            {
                closed(dead, "their MPTCP peer is gone");
            }
            if (sessions.CloseIdle(idle) is > 0 and var quiet)
            {
                closed(quiet, $"no data either way for {idle.TotalSeconds:0} s");
            }
        }
    }
}
