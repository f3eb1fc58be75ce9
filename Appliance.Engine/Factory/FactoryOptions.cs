namespace Appliance.Engine.Factory;

/// <summary>Factory defaults settings (section <c>Appliance:Factory</c>).</summary>
public sealed class FactoryOptions
{
    public const string Section = "Appliance:Factory";

    /// <summary>The image ships the file here; when it is missing the built-in defaults (<see cref="FactoryDefaults.BuiltIn"/>) apply.</summary>
    public string DefaultsPath { get; set; } = "/usr/share/appliance/factory-defaults.json";

    /// <summary>
    /// Apply the factory configuration when the database has never had a revision, so a fresh box is reachable on its
    /// LAN port. It also needs the engine enabled; tests that configure the appliance themselves turn it off.
    /// </summary>
    public bool FirstBoot { get; set; } = true;
}
