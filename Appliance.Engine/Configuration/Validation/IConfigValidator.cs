namespace Appliance.Engine.Configuration.Validation;

/// <summary>Why a configuration is being validated.</summary>
public enum ValidationPurpose
{
    /// <summary>A pending edit: every field and reference must be sound.</summary>
    Edit,
    /// <summary>About to become a revision the engine runs: also complete enough to run.</summary>
    Apply,
}

/// <summary>Checks one aspect of a configuration and adds every problem it finds.</summary>
public interface IConfigValidator
{
    void Validate(ApplianceConfig config, ValidationPurpose purpose, ValidationErrors errors);
}
