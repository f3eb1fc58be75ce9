namespace Appliance.Engine.Configuration.Validation;

/// <summary>Every problem found in a configuration, keyed by the JSON path of the offending field.</summary>
public sealed class ValidationErrors
{
    private readonly SortedDictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    /// <summary>Every (path, message) pair, ordered by path.</summary>
    public IEnumerable<(string Path, string Message)> Entries =>
        _errors.SelectMany(kv => kv.Value.Select(m => (kv.Key, m)));

    public void Add(string path, string message)
    {
        if (!_errors.TryGetValue(path, out var list))
        {
            _errors[path] = list = [];
        }
        if (!list.Contains(message))
        {
            list.Add(message);
        }
    }

    /// <summary>The errors under <paramref name="prefix"/> (e.g. <c>wans[2]</c>) with the prefix removed.</summary>
    public ValidationErrors Under(string prefix)
    {
        var result = new ValidationErrors();
        foreach (var (path, messages) in _errors)
        {
            string? relative = path == prefix ? "" :
                path.StartsWith(prefix + ".", StringComparison.Ordinal) ? path[(prefix.Length + 1)..] : null;
            if (relative is null)
            {
                continue;
            }
            foreach (var message in messages)
            {
                result.Add(relative, message);
            }
        }
        return result;
    }

    public IDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);

    public override string ToString() =>
        string.Join("; ", _errors.Select(kv => $"{(kv.Key.Length == 0 ? "(document)" : kv.Key)}: {string.Join(", ", kv.Value)}"));
}
