using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Data.Store;

/// <summary>What every edit of the pending copy checks before it is stored.</summary>
internal static class EditChecks
{
    /// <summary>Validates an edited pending configuration; errors of the edited item lose their prefix, others keep their path.</summary>
    public static void Validate(ConfigValidator validator, ApplianceConfig before, ApplianceConfig after, string? itemPath)
    {
        var errors = validator.Validate(after, ValidationPurpose.Edit);
        if (errors.IsEmpty)
        {
            return;
        }
        // Problems the pending copy already had are not this edit's fault and must not block it.
        var existing = validator.Validate(before, ValidationPurpose.Edit).Entries.ToHashSet();
        var result = new ValidationErrors();
        foreach (var (path, message) in errors.Entries.Where(e => !existing.Contains(e)))
        {
            result.Add(itemPath is not null && (path == itemPath || path.StartsWith(itemPath + ".", StringComparison.Ordinal))
                ? path[Math.Min(path.Length, itemPath.Length + 1)..]
                : path, message);
        }
        if (!result.IsEmpty)
        {
            throw new ConfigValidationException(result);
        }
    }

    /// <summary>Optimistic concurrency: the client edited the version it names, or names none.</summary>
    public static void CheckVersion(long stored, long? expected, string what)
    {
        if (expected is { } e && e != stored)
        {
            throw new ConfigVersionMismatchException($"{what} is at version {stored}, not {e}; reload it and try again.");
        }
    }

    public static ValidationErrors Single(string path, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(path, message);
        return errors;
    }
}
