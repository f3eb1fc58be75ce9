using System.Text.Json;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Appliance.Engine.Network;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Factory;

/// <summary>
/// Reads the factory defaults file each time they are needed (first boot, a reset: rare, and the file may be replaced
/// with the image). A missing file means the built-in defaults; so does a file that cannot be read or whose
/// configuration would not validate, logged as an error: a box must come up reachable whatever the file says.
/// </summary>
public sealed partial class FactoryDefaultsFile(IOptions<FactoryOptions> options, ILogger<FactoryDefaultsFile> logger)
{
    /// <summary>Two ports stand for any box when the file's defaults are checked: one LAN, one WAN.</summary>
    private static readonly DiscoveredPort[] SamplePorts = [new("eth0", "", false, null), new("eth1", "", false, null)];

    public FactoryDefaults Load()
    {
        var path = options.Value.DefaultsPath;
        if (!File.Exists(path))
        {
            LogMissing(logger, path);
            return FactoryDefaults.BuiltIn;
        }
        FactoryDefaults defaults;
        try
        {
            defaults = Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            LogUnreadable(logger, ex, path);
            return FactoryDefaults.BuiltIn;
        }
        var errors = ConfigValidator.Default.Validate(FactoryConfig.Build(defaults, SamplePorts), ValidationPurpose.Apply);
        if (!errors.IsEmpty)
        {
            LogInvalid(logger, path, string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
            return FactoryDefaults.BuiltIn;
        }
        LogLoaded(logger, path, defaults.Lan.Address);
        return defaults;
    }

    /// <summary>Reads the file's JSON (the configuration's conventions: unknown fields are refused, so a typo is not ignored).</summary>
    public static FactoryDefaults Parse(string json) =>
        JsonSerializer.Deserialize<FactoryDefaults>(json, ConfigJson.Options) ?? throw new JsonException("The factory defaults document is empty.");

    [LoggerMessage(Level = LogLevel.Information, Message = "No factory defaults file at {Path}; using the built-in defaults")]
    private static partial void LogMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "The factory defaults file {Path} cannot be read; using the built-in defaults")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "The factory defaults in {Path} do not make a valid configuration ({Errors}); using the built-in defaults")]
    private static partial void LogInvalid(ILogger logger, string path, string errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Factory defaults read from {Path} (LAN {LanAddress})")]
    private static partial void LogLoaded(ILogger logger, string path, string lanAddress);
}
