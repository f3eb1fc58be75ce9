namespace Appliance.Engine.Telemetry;

/// <summary>The MPTCP subflows to the hub leaving from one local (WAN) address, and the bytes they have moved so far.</summary>
/// <remarks>The byte figures are the kernel's per-socket counters of the subflows open now; a closed subflow takes its bytes with it.</remarks>
public sealed record PathTraffic(int Subflows, long BytesSent, long BytesReceived);
