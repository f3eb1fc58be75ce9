namespace Appliance.Data.Entities;

/// <summary>A person who signs in to the web UI or API.</summary>
public sealed class UserEntity
{
    public int Id { get; set; }
    /// <summary>Lowercase; names compare without regard to case.</summary>
    public string UserName { get; set; } = "";
    /// <summary>ASP.NET Core Identity's hash format (PBKDF2 with a per-user salt); never leaves the store.</summary>
    public string PasswordHash { get; set; } = "";
    public UserRole Role { get; set; }
    public int FailedLogins { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    /// <summary>Changes whenever the password or role does, so sessions signed in before end.</summary>
    public string SecurityStamp { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastLoginAt { get; set; }
}

/// <summary>What a user or token may do; each role includes the ones below it.</summary>
public enum UserRole
{
    /// <summary>Reads configuration and status.</summary>
    Viewer = 0,

    /// <summary>Also changes and applies configuration.</summary>
    Operator = 1,

    /// <summary>Everything: users, tokens of others, the hub's edges, certificates, firmware.</summary>
    Admin = 2,
}
