namespace Appliance.Web.Security;

/// <summary>Sign-in, session and HTTPS settings (section <c>Appliance:Security</c>).</summary>
public sealed class SecurityOptions
{
    public const string Section = "Appliance:Security";

    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    public int LockoutFailures { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 5;

    /// <summary>Sign-in and setup attempts per client (IPv4 address or IPv6 /64) and minute; more are answered 429.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>How long a UI session lasts without use.</summary>
    public int SessionHours { get; set; } = 8;

    /// <summary>The HTTPS certificate (PFX); a self-signed one is created there on first start. Default: in the data directory.</summary>
    public string? CertificatePath { get; set; }
}
