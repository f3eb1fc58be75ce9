namespace Appliance.Engine.Bonding;

/// <summary>An edge registered on a hub: who may connect, with which shared key and under which limits.</summary>
/// <param name="Key">The shared secret both sides prove knowledge of; never logged or returned by the API.</param>
/// <param name="Encrypt">The edge's sessions must run TLS over the MPTCP connection.</param>
/// <param name="MaxSessions">Concurrent bonded sessions the hub relays for this edge.</param>
public sealed record EdgeCredential(string Id, string Key, bool Enabled, bool Encrypt, int MaxSessions);

/// <summary>The hub's register of edges allowed to connect (backed by the database in the app).</summary>
public interface IEdgeDirectory
{
    /// <summary>The edge with this id, or null when none is registered.</summary>
    ValueTask<EdgeCredential?> FindAsync(string edgeId, CancellationToken ct = default);
}
