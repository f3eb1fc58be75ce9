namespace Appliance.Web.Components.Config;

/// <summary>
/// Messages for a list shown as one field: problems with the list come at <c>path</c>, with one entry at
/// <c>path[i]</c> or below it; they are shown together, each entry by its number as the user counts.
/// </summary>
public static class FieldErrorLists
{
    public static string? Under(IReadOnlyDictionary<string, string> errors, string path)
    {
        var messages = errors
            .Where(e => e.Key == path || e.Key.StartsWith(path + "[", StringComparison.Ordinal))
            .Select(e => e.Key == path ? e.Value : $"entry {EntryNumber(e.Key, path)}: {e.Value}")
            .ToList();
        return messages.Count == 0 ? null : string.Join("; ", messages);
    }

    private static int EntryNumber(string key, string path)
    {
        var end = key.IndexOf(']', path.Length);
        return end > path.Length + 1 && int.TryParse(key.AsSpan(path.Length + 1, end - path.Length - 1), out var i) ? i + 1 : 0;
    }
}
