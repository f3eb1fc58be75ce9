using System.Net;

namespace Appliance.Engine.Bonding;

/// <summary>An authenticated edge session on the hub, waiting for its RESULT.</summary>
/// <param name="Stream">The stream to relay on: the connection itself, or the TLS stream over it.</param>
/// <param name="Destination">Where the edge wants to go; already checked to be a permitted address.</param>
public sealed record AcceptedEdge(EdgeCredential Edge, Stream Stream, IPEndPoint Destination);
