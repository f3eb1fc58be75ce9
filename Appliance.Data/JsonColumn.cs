using System.Text.Json;
using Appliance.Engine.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Appliance.Data;

/// <summary>Maps a nested configuration record to one JSON text column in the configuration's own JSON shape.</summary>
internal static class JsonColumn
{
    public static PropertyBuilder<T> HasConfigJson<T>(this PropertyBuilder<T> property) where T : class
    {
        // Records holding lists do not compare by value, so change tracking compares the JSON text.
        var comparer = new ValueComparer<T>(
            (a, b) => Serialize(a) == Serialize(b),
            v => Serialize(v).GetHashCode(StringComparison.Ordinal),
            v => JsonSerializer.Deserialize<T>(Serialize(v), ConfigJson.Options)!);
        property.HasConversion(v => Serialize(v), s => JsonSerializer.Deserialize<T>(s, ConfigJson.Options)!, comparer)
            .HasColumnType("TEXT");
        return property;
    }

    private static string Serialize<T>(T? value) => JsonSerializer.Serialize(value, ConfigJson.Options);
}
