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
        // Numbers are numbers: "weight": "3" is a client bug worth reporting, not guessing at.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
    }

    /// <summary>The JSON spelling of an enum value, e.g. <c>source-destination</c>.</summary>
    public static string EnumValue<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>The JSON spellings of every value of an enum type, e.g. for error messages.</summary>
    public static IReadOnlyList<string> EnumValues(Type enumType) =>
        Enum.GetNames(enumType).Select(JsonNamingPolicy.KebabCaseLower.ConvertName).ToList();

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
