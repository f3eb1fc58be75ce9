using Appliance.Engine.Configuration.Validation;

namespace Appliance.Data.Store;

/// <summary>The change was refused because the configuration would be invalid; nothing was stored.</summary>
public sealed class ConfigValidationException(ValidationErrors errors, string message = "The configuration is invalid.")
    : Exception(message + " " + errors)
{
    public ValidationErrors Errors { get; } = errors;
    public string Title { get; } = message;
}

/// <summary>The named WAN, rule or revision does not exist.</summary>
public sealed class ConfigNotFoundException(string message) : Exception(message);

/// <summary>The change conflicts with the current state (a name in use, a WAN still referenced, a revision awaiting confirmation).</summary>
public sealed class ConfigConflictException(string message) : Exception(message);

/// <summary>The client edited an older version than the stored one (If-Match did not match).</summary>
public sealed class ConfigVersionMismatchException(string message) : Exception(message);
