namespace Appliance.Data.Entities;

/// <summary>A bearer token for automation; only its hash is stored.</summary>
public sealed class ApiTokenEntity
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public UserRole Role { get; set; }
    /// <summary>SHA-256 of the token, hex: the token is 256 random bits, so a fast hash cannot be searched backwards.</summary>
    public string Hash { get; set; } = "";
    /// <summary>The token's first characters, to tell tokens apart in lists without revealing them.</summary>
    public string Prefix { get; set; } = "";
    /// <summary>Who created it: a user name, or "console" (the console command on the box). Its rights bound the token's.</summary>
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public string? LastUsedFrom { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
