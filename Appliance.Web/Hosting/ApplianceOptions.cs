namespace Appliance.Web.Hosting;

/// <summary>Settings of the host process (section <c>Appliance</c>).</summary>
public sealed class ApplianceOptions
{
    public const string Section = "Appliance";

    /// <summary>Where the SQLite database and other state live; relative paths are taken from the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Largest JSON request body the API accepts.</summary>
    public long MaxJsonBodyBytes { get; set; } = 1024 * 1024;
}
