using Appliance.Engine.Configuration;

namespace Appliance.Data.Entities;

/// <summary>
/// A traffic rule in the pending configuration: the rule as one JSON document, with its id and its evaluation order
/// (<see cref="Position"/>) beside it.
/// </summary>
public sealed class RuleEntity
{
    private Rule _rule = new();

    private RuleEntity()
    {
    }

    /// <summary>A row for <paramref name="rule"/> under its own id (0: the database numbers it).</summary>
    public RuleEntity(Rule rule)
    {
        Id = rule.Id;
        Rule = rule;
    }

    public int Id { get; set; }
    public int Position { get; set; }

    /// <summary>The stored document; its <see cref="Engine.Configuration.Rule.Id"/> may lag behind a new row's, so read <see cref="ToModel"/>.</summary>
    public Rule Rule
    {
        get => _rule;
        // A client may send a null description; the store keeps an empty one, as the model's default has it.
        set => _rule = value.Description is null ? value with { Description = "" } : value;
    }

    public long Version { get; set; }

    /// <summary>The rule under the row's id.</summary>
    public Rule ToModel() => Rule with { Id = Id };
}
