namespace Appliance.Engine.FirmwareSlots;

/// <summary>Where the firmware installer (RAUC) and the login manager are reached.</summary>
public sealed class RaucOptions
{
    public const string Section = "Firmware";

    /// <summary>"system" (the default), "session", or a D-Bus address such as unix:path=/run/test/bus.</summary>
    public string BusAddress { get; set; } = "system";

    /// <summary>Where an uploaded bundle is kept until it is installed; the host puts it in its data directory.</summary>
    public string StagingDirectory { get; set; } = "firmware";

    /// <summary>Largest bundle an upload may be; the firmware of this appliance is far smaller.</summary>
    public long MaxBundleBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>How long one call may wait for its answer (Info reads the whole bundle to check its signature).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long an install may run before it is reported as stuck.</summary>
    public TimeSpan InstallTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long after start the appliance may take to become healthy before the slot is left unmarked.</summary>
    public TimeSpan MarkGoodWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Resolves <see cref="BusAddress"/> to an address Tmds.DBus connects to; null when no such bus exists here.</summary>
    public string? ResolveAddress() => BusAddress switch
    {
        "system" => Tmds.DBus.Protocol.DBusAddress.System,
        "session" => Tmds.DBus.Protocol.DBusAddress.Session,
        var address => address,
    };
}
