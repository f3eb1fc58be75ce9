namespace Appliance.Engine.Bonding;

/// <summary>
/// The other side does not speak the hub protocol, or not honestly: a malformed or truncated frame, wrong magic,
/// a MAC that does not verify, or a TLS certificate other than the one the hub vouched for.
/// </summary>
public sealed class HubProtocolException : Exception
{
    public HubProtocolException(string message)
        : base(message)
    {
    }

    public HubProtocolException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
