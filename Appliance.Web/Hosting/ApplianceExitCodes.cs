namespace Appliance.Web.Hosting;

/// <summary>How the appliance process ends, as systemd and scripts see it.</summary>
public static class ApplianceExitCodes
{
    /// <summary>The host could not be built or started: a fatal fault such as a database that cannot be opened or migrated.</summary>
    public const int CouldNotStart = 2;
}
