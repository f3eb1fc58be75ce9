using System.Collections;
using System.Reflection;

namespace Appliance.Web.Tests.Components.Config;

/// <summary>
/// Compares configuration records property by property, found by reflection, so a field added to the model is
/// covered without touching the tests that use this. Nested records of the model (a WAN's probe settings) are
/// compared the same way; lists by their items.
/// </summary>
internal static class ModelFields
{
    /// <summary>Fails naming every property (by its path, e.g. <c>Probes.IntervalMs</c>) whose values differ.</summary>
    public static void Equal<T>(T expected, T actual) where T : class
    {
        var differences = new List<string>();
        Compare(typeof(T), expected, actual, typeof(T).Name, differences);
        Assert.True(differences.Count == 0, "Differs field by field:\n" + string.Join("\n", differences));
    }

    /// <summary>
    /// Fails naming every property that has its default value in all of <paramref name="samples"/>: a sample must set
    /// each field to something else, or a field the form drops would go unnoticed.
    /// </summary>
    public static void EverySet<T>(params T[] samples) where T : class, new()
    {
        var unset = new List<string>();
        FindUnset(typeof(T), new T(), samples, typeof(T).Name, unset);
        Assert.True(unset.Count == 0, "Left at its default in every sample:\n" + string.Join("\n", unset));
    }

    private static IEnumerable<PropertyInfo> Fields(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract");

    // Records of the configuration model are compared field by field; everything else by value.
    private static bool IsModelRecord(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(Engine.Configuration.WanLink).Namespace;

    private static void Compare(Type type, object? expected, object? actual, string path, List<string> differences)
    {
        if (expected is null || actual is null)
        {
            if (!Equals(expected, actual))
            {
                differences.Add($"{path}: expected {Show(expected)}, got {Show(actual)}");
            }
            return;
        }
        foreach (var property in Fields(type))
        {
            var (e, a) = (property.GetValue(expected), property.GetValue(actual));
            var at = $"{path}.{property.Name}";
            if (IsModelRecord(property.PropertyType))
            {
                Compare(property.PropertyType, e, a, at, differences);
            }
            else if (!Same(e, a))
            {
                differences.Add($"{at}: expected {Show(e)}, got {Show(a)}");
            }
        }
    }

    private static void FindUnset(Type type, object defaults, IReadOnlyList<object> samples, string path, List<string> unset)
    {
        foreach (var property in Fields(type))
        {
            var at = $"{path}.{property.Name}";
            var fallback = property.GetValue(defaults);
            var values = samples.Select(property.GetValue).ToList();
            if (IsModelRecord(property.PropertyType) && fallback is not null)
            {
                FindUnset(property.PropertyType, fallback, values.Where(v => v is not null).ToList()!, at, unset);
            }
            else if (values.All(v => Same(v, fallback)))
            {
                unset.Add($"{at} (default {Show(fallback)})");
            }
        }
    }

    private static bool Same(object? a, object? b) =>
        a is IEnumerable first && b is IEnumerable second && a is not string
            ? first.Cast<object?>().SequenceEqual(second.Cast<object?>())
            : Equals(a, b);

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Show)) + "]",
        _ => value.ToString() ?? "",
    };
}
