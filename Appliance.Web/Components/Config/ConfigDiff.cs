using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Engine.Configuration;

namespace Appliance.Web.Components.Config;

/// <summary>How one port, WAN, rule or the settings differ between two configurations.</summary>
public enum ChangeKind { Added, Removed, Changed }

/// <summary>One changed item: what it is, and each changed field as "field: old → new".</summary>
public sealed record ItemChange(ChangeKind Kind, string Item, IReadOnlyList<string> Fields);

/// <summary>
/// A per-item diff of two configurations: ports and WANs matched by name, rules by id (and their order), settings field by field.
/// The hub key and PPPoE passwords are secrets: the diff says that they changed, never what they are.
/// </summary>
public static class ConfigDiff
{
    private const string HubKeyPath = "hub.key";
    private const string PppoePasswordPath = "addressing.pppoe.password";

    // Any PPPoE password, wherever the WAN's JSON carries one.
    private static bool IsSecret(string path) =>
        path == HubKeyPath || path == "pppoe.password" || path.EndsWith(".pppoe.password", StringComparison.Ordinal);

    public static IReadOnlyList<ItemChange> Between(ApplianceConfig before, ApplianceConfig after)
    {
        var changes = new List<ItemChange>();
        // Ports are keyed by name; a list with a name twice is the validator's to refuse, the diff shows the first.
        Compare(changes, "Port", before.Ports.DistinctBy(p => p.Name).ToList(), after.Ports.DistinctBy(p => p.Name).ToList(), p => p.Name, (_, _) => null);
        Compare(changes, "WAN", before.Wans, after.Wans, w => w.Name,
            (old, now) => old.Addressing?.Pppoe?.Password is { } was && now.Addressing?.Pppoe?.Password is { } password && was != password
                ? $"{PppoePasswordPath}: changed"
                : null);
        var oldPositions = before.Rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var newPositions = after.Rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i);
        Compare(changes, "Rule", before.Rules, after.Rules, r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            (_, r) => oldPositions.TryGetValue(r.Id, out var from) && newPositions[r.Id] != from
                ? $"position: {from + 1} → {newPositions[r.Id] + 1}"
                : null);
        var settings = FieldChanges(Flatten(before.Settings), Flatten(after.Settings));
        // Both keys mask to the same text, so a replaced key is found by comparing the real values here.
        if (before.Settings.Hub.Key is not null && after.Settings.Hub.Key is not null &&
            before.Settings.Hub.Key != after.Settings.Hub.Key)
        {
            settings.Add($"{HubKeyPath}: changed");
        }
        if (settings.Count > 0)
        {
            changes.Add(new ItemChange(ChangeKind.Changed, "Settings", settings));
        }
        return changes;
    }

    private static void Compare<T>(List<ItemChange> changes, string kind, IReadOnlyList<T> before, IReadOnlyList<T> after,
        Func<T, string> key, Func<T, T, string?> extra)
    {
        var old = before.ToDictionary(key);
        var now = after.Select(key).ToHashSet();
        foreach (var item in before.Where(i => !now.Contains(key(i))))
        {
            changes.Add(new ItemChange(ChangeKind.Removed, $"{kind} {key(item)}", []));
        }
        foreach (var item in after)
        {
            if (!old.TryGetValue(key(item), out var previous))
            {
                changes.Add(new ItemChange(ChangeKind.Added, $"{kind} {key(item)}",
                    Flatten(item).Select(f => $"{f.Key}: {f.Value}").ToList()));
                continue;
            }
            var fields = FieldChanges(Flatten(previous), Flatten(item));
            // What the field comparison cannot see: a new place in the list, a secret replaced by another.
            if (extra(previous, item) is { } note)
            {
                fields.Insert(0, note);
            }
            if (fields.Count > 0)
            {
                changes.Add(new ItemChange(ChangeKind.Changed, $"{kind} {key(item)}", fields));
            }
        }
    }

    private static List<string> FieldChanges(SortedDictionary<string, string> before, SortedDictionary<string, string> after)
    {
        var fields = new List<string>();
        foreach (var path in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var from = before.GetValueOrDefault(path, "(none)");
            var to = after.GetValueOrDefault(path, "(none)");
            if (from != to)
            {
                fields.Add(IsSecret(path) ? $"{path}: changed" : $"{path}: {from} → {to}");
            }
        }
        return fields;
    }

    /// <summary>Each scalar field by its JSON path (lists joined by commas), in the API's spelling; secrets masked.</summary>
    private static SortedDictionary<string, string> Flatten<T>(T item)
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(JsonSerializer.SerializeToNode(item, ConfigJson.Options), "", fields);
        foreach (var secret in fields.Keys.Where(IsSecret).ToList())
        {
            // Same text for any key or password: only "it changed" can leak out of a comparison of these.
            fields[secret] = "(set)";
        }
        return fields;
    }

    private static void Walk(JsonNode? node, string path, SortedDictionary<string, string> fields)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    Walk(value, path.Length == 0 ? name : $"{path}.{name}", fields);
                }
                break;
            case JsonArray array:
                fields[path] = array.Count == 0 ? "(none)" : string.Join(", ", array.Select(v => v?.ToString() ?? "null"));
                break;
            case null:
                break;
            default:
                fields[path] = node.ToString();
                break;
        }
    }
}
