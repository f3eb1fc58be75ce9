namespace Appliance.Engine.Bonding;

/// <summary>
/// Ends sessions nothing else would end: an MPTCP leg left without a path for the keepalive time (its peer vanished
/// without a FIN), and a session that moved no byte either way for the idle timeout.
/// </summary>
internal static class SessionSweeper
{
    public static async Task RunAsync(RelaySessions sessions, BondingOptions options, TimeProvider time, Action<int, string> closed, CancellationToken ct)
    {
        var idle = TimeSpan.FromSeconds(Math.Max(1, options.IdleTimeoutSeconds));
        // Keepalive has ended each dead subflow; the connection gets as long as keepalive probes a path to find a new one
        // (an edge whose links all failed adds subflows again when one returns).
        var keepalive = TimeSpan.FromSeconds(Math.Max(1, options.KeepAliveIntervalSeconds * options.KeepAliveProbes));
        var every = TimeSpan.FromSeconds(Math.Clamp(options.KeepAliveIntervalSeconds, 1, 60));
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(every, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (ct.IsCancellationRequested)
            {
                return;
            }
            if (sessions.ClosePathless(keepalive, MptcpSocket.Subflows) is > 0 and var pathless)
            {
                closed(pathless, $"their MPTCP connection had no path left for {keepalive.TotalSeconds:0} s");
            }
            if (sessions.CloseIdle(idle) is > 0 and var quiet)
            {
                closed(quiet, $"no data either way for {idle.TotalSeconds:0} s");
            }
        }
    }
}
