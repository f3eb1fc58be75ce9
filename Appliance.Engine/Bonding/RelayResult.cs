namespace Appliance.Engine.Bonding;

/// <summary>How a relayed session ended.</summary>
/// <param name="Reset">An error or reset on either side ended it, and both sides were reset in turn.</param>
public sealed record RelayResult(long BytesUp, long BytesDown, bool Reset);
