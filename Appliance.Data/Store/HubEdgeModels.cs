using Appliance.Data.Entities;

namespace Appliance.Data.Store;

/// <summary>An edge registered on the hub, as listed and read. Carries no key: the key is only shown when it is set.</summary>
/// <param name="AllowedDestinations">Networks the hub may reach for this edge although it refuses them by default (private, link-local, its own …).</param>
public sealed record HubEdge(
    string Id, string Description, bool Enabled, bool Encrypt, int MaxSessions, IReadOnlyList<string> AllowedDestinations,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static HubEdge From(HubEdgeEntity e) =>
        new(e.Id, e.Description, e.Enabled, e.Encrypt, e.MaxSessions, [.. e.AllowedDestinations], e.CreatedAt, e.UpdatedAt);

    // A record compares lists by reference; two reads of one edge must be equal.
    public bool Equals(HubEdge? other) =>
        other is not null && (Id, Description, Enabled, Encrypt, MaxSessions, CreatedAt, UpdatedAt) ==
        (other.Id, other.Description, other.Enabled, other.Encrypt, other.MaxSessions, other.CreatedAt, other.UpdatedAt) &&
        AllowedDestinations.SequenceEqual(other.AllowedDestinations);

    public override int GetHashCode() => HashCode.Combine(Id, UpdatedAt);
}

/// <summary>An edge with its key: the answer to create and key rotation, the only times the key leaves the appliance.</summary>
public sealed record HubEdgeWithKey(
    string Id, string Key, string Description, bool Enabled, bool Encrypt, int MaxSessions, IReadOnlyList<string> AllowedDestinations,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static HubEdgeWithKey From(HubEdgeEntity e) =>
        new(e.Id, e.Key, e.Description, e.Enabled, e.Encrypt, e.MaxSessions, [.. e.AllowedDestinations], e.CreatedAt, e.UpdatedAt);

    // A record compares lists by reference; two answers for one edge must be equal.
    public bool Equals(HubEdgeWithKey? other) =>
        other is not null && (Id, Key, Description, Enabled, Encrypt, MaxSessions, CreatedAt, UpdatedAt) ==
        (other.Id, other.Key, other.Description, other.Enabled, other.Encrypt, other.MaxSessions, other.CreatedAt, other.UpdatedAt) &&
        AllowedDestinations.SequenceEqual(other.AllowedDestinations);

    public override int GetHashCode() => HashCode.Combine(Id, UpdatedAt);
}

/// <summary>An edge to register.</summary>
/// <param name="Id">What the edge presents when it connects: a lowercase slug, e.g. <c>branch-7</c>.</param>
/// <param name="Key">The shared key (16-256 printable ASCII characters); omit it to have a strong one generated.</param>
/// <param name="MaxSessions">Concurrent bonded sessions the hub relays for this edge.</param>
/// <param name="AllowedDestinations">
/// Networks (CIDR, or a single address) the hub may reach for this edge although it refuses them by default, e.g. the
/// HQ network behind the hub; at most 64. The hub's own addresses need an entry naming that one address.
/// </param>
public sealed record NewHubEdge(
    string Id, string? Key = null, string? Description = null, bool Enabled = true, bool Encrypt = false,
    int MaxSessions = HubEdgeStore.DefaultMaxSessions, IReadOnlyList<string>? AllowedDestinations = null);

/// <summary>The changeable settings of a registered edge (all of them; omitted fields take their defaults). The key is rotated separately.</summary>
/// <param name="Encrypt">The edge's sessions must run TLS over the MPTCP connection.</param>
/// <param name="AllowedDestinations">Replaces the edge's allow list; omitted or empty, the hub's default refusals apply in full.</param>
public sealed record HubEdgeUpdate(
    string? Description = null, bool Enabled = true, bool Encrypt = false, int MaxSessions = HubEdgeStore.DefaultMaxSessions,
    IReadOnlyList<string>? AllowedDestinations = null);
