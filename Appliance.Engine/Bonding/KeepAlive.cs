using System.Net.Sockets;
using Appliance.Engine.Kernel.Sockets;

namespace Appliance.Engine.Bonding;

/// <summary>TCP keepalive on relayed sockets (plain TCP and kernel MPTCP alike), so a peer that vanished without a FIN is noticed.</summary>
internal static class KeepAlive
{
    public static void Enable(Socket socket, BondingOptions options) =>
        LinuxSockets.SetKeepAlive(socket, options.KeepAliveIdleSeconds, options.KeepAliveIntervalSeconds, options.KeepAliveProbes);
}
