using Appliance.Data.Entities;

namespace Appliance.Data.Store.Security;

/// <summary>A user as the API shows it: never with the password hash.</summary>
public sealed record UserInfo(
    int Id, string UserName, UserRole Role, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastLoginAt, DateTimeOffset? LockedUntil)
{
    internal static UserInfo From(UserEntity u) => new(u.Id, u.UserName, u.Role, u.CreatedAt, u.UpdatedAt, u.LastLoginAt, u.LockedUntil);
}

public sealed record NewUser(string UserName, string Password, UserRole Role);

/// <summary>A change of role and/or password; a null field stays as it is.</summary>
public sealed record UserUpdate(UserRole? Role = null, string? Password = null);

public enum LoginOutcome
{
    Succeeded,
    Failed,
    LockedOut,
}

/// <param name="SecurityStamp">Goes into the session; a session whose stamp no longer matches has ended.</param>
public sealed record LoginResult(LoginOutcome Outcome, UserInfo? User = null, string? SecurityStamp = null, DateTimeOffset? LockedUntil = null);

/// <summary>Lockout after repeated failed sign-ins.</summary>
public sealed record LockoutPolicy(int MaxFailures, TimeSpan Duration)
{
    public static LockoutPolicy Default { get; } = new(5, TimeSpan.FromMinutes(5));
}

/// <summary>A token as lists show it: never with the secret or its hash.</summary>
public sealed record ApiTokenInfo(
    int Id, string Name, UserRole Role, string Prefix, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt, string? LastUsedFrom, DateTimeOffset? RevokedAt)
{
    internal static ApiTokenInfo From(ApiTokenEntity t) =>
        new(t.Id, t.Name, t.Role, t.Prefix, t.CreatedBy, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.LastUsedFrom, t.RevokedAt);
}

public sealed record NewApiToken(string Name, UserRole Role, DateTimeOffset? ExpiresAt = null);

/// <summary>The one answer that carries the token itself.</summary>
public sealed record CreatedApiToken(ApiTokenInfo Info, string Token);

/// <summary>Who a valid bearer token speaks for.</summary>
/// <param name="Role">What it may do now: the lower of its own role and its creator's current one.</param>
public sealed record TokenIdentity(int Id, string Name, UserRole Role, string CreatedBy);

/// <summary>Hashing of passwords, supplied by the host (ASP.NET Core Identity's hasher).</summary>
public interface IPasswordHashing
{
    string Hash(string password);

    /// <summary>Whether the password matches; <paramref name="rehash"/> says the hash should be upgraded.</summary>
    bool Verify(string hash, string password, out bool rehash);
}

/// <summary>
/// Creators of tokens that are not users: the console command on the box (<see cref="Console"/>) and the appliance itself
/// (<see cref="System"/>). Whoever runs them owns the box, so their tokens keep their own role; the names are reserved.
/// </summary>
public static class TokenCreators
{
    public const string Console = "console";
    public const string System = "system";

    public static bool IsAppliance(string createdBy) => createdBy is Console or System;
}
