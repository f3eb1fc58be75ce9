using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appliance.Engine.Configuration;

/// <summary>The one JSON shape of the configuration: camelCase, enums as kebab-case strings, unknown fields refused.</summary>
public static class ConfigJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>Indented variant for export documents people read and diff.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>Applies the appliance's JSON conventions to options owned by someone else (e.g. ASP.NET).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
    }

    public static string Serialize(ApplianceConfig config, bool indented = false) =>
        JsonSerializer.Serialize(config, indented ? Indented : Options);

    public static ApplianceConfig Deserialize(string json) =>
        JsonSerializer.Deserialize<ApplianceConfig>(json, Options)
        ?? throw new JsonException("The configuration document is empty.");

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions { WriteIndented = indented };
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
