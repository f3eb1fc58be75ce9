namespace Appliance.Engine.Bonding;

/// <summary>Who an edge is to its hub: the id it is registered under and the key shared with the hub.</summary>
/// <param name="Encrypt">Run TLS inside the hub connection; must match the hub's registration of the edge.</param>
public sealed record EdgeIdentity(string EdgeId, string Key, bool Encrypt)
{
    // The key must not end up in logs through the record's generated ToString.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("EdgeId = ").Append(EdgeId).Append(", Encrypt = ").Append(Encrypt);
        return true;
    }
}
