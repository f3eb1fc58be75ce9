namespace Appliance.Engine.Kernel.Sockets;

/// <summary>An MPTCP connection as the kernel sees it.</summary>
/// <param name="Subflows">Subflows it has now, the initial one included.</param>
/// <param name="InFlight">Data sent and not yet acknowledged by the peer.</param>
/// <param name="SinceLastAck">How long ago the peer last acknowledged anything.</param>
public readonly record struct MultipathState(int Subflows, bool InFlight, TimeSpan SinceLastAck);
