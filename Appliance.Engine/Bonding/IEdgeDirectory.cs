using System.Net;

namespace Appliance.Engine.Bonding;

/// <summary>An edge registered on a hub: who may connect, with which shared key and under which limits.</summary>
/// <param name="Key">The shared secret both sides prove knowledge of; never logged or returned by the API.</param>
/// <param name="Encrypt">The edge's sessions must run TLS over the MPTCP connection.</param>
/// <param name="MaxSessions">Concurrent bonded sessions the hub relays for this edge.</param>
public sealed record EdgeCredential(string Id, string Key, bool Enabled, bool Encrypt, int MaxSessions)
{
    /// <summary>Destinations the hub may reach for this edge although it refuses them by default (see <see cref="DestinationPolicy"/>).</summary>
    public IReadOnlyList<IPNetwork> AllowedDestinations { get; init; } = [];

    // A record compares lists by reference; two reads of one registration must be equal.
    public bool Equals(EdgeCredential? other) =>
        other is not null && (Id, Key, Enabled, Encrypt, MaxSessions) == (other.Id, other.Key, other.Enabled, other.Encrypt, other.MaxSessions) &&
        AllowedDestinations.SequenceEqual(other.AllowedDestinations);

    public override int GetHashCode() => HashCode.Combine(Id, Key);

    // The key must not end up in logs through the record's generated ToString.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id).Append(", Enabled = ").Append(Enabled).Append(", Encrypt = ").Append(Encrypt)
            .Append(", MaxSessions = ").Append(MaxSessions).Append(", AllowedDestinations = [").AppendJoin(", ", AllowedDestinations).Append(']');
        return true;
    }
}

/// <summary>The hub's register of edges allowed to connect (backed by the database in the app).</summary>
public interface IEdgeDirectory
{
    /// <summary>The edge with this id, or null when none is registered.</summary>
    ValueTask<EdgeCredential?> FindAsync(string edgeId, CancellationToken ct = default);

    /// <summary>
    /// Calls <paramref name="changed"/> with an edge's id once a change of its registration (made, changed, re-keyed,
    /// removed) is in effect, until the returned handle is disposed.
    /// </summary>
    IDisposable Subscribe(Action<string> changed);
}
