using Appliance.Data.Store;

namespace Appliance.Web.Components.Config;

/// <summary>The hub edge form's fields; the allow list is edited as text, one network per line.</summary>
public sealed class HubEdgeDraft
{
    public bool IsNew { get; private init; }
    public string Id { get; set; } = "";
    /// <summary>New edges only; empty has a strong key generated.</summary>
    public string Key { get; set; } = "";
    public string Description { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public bool Encrypt { get; set; }
    public int MaxSessions { get; set; } = HubEdgeStore.DefaultMaxSessions;
    public string AllowedDestinations { get; set; } = "";

    public static HubEdgeDraft New() => new() { IsNew = true };

    public static HubEdgeDraft From(HubEdge edge) => new()
    {
        Id = edge.Id,
        Description = edge.Description,
        Enabled = edge.Enabled,
        Encrypt = edge.Encrypt,
        MaxSessions = edge.MaxSessions,
        AllowedDestinations = string.Join('\n', edge.AllowedDestinations),
    };

    /// <summary>The allow list's lines, blank ones left out (the store reports each entry by its position in this list).</summary>
    public IReadOnlyList<string> AllowedLines() =>
        [.. AllowedDestinations.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The text line (1-based) of the <paramref name="entry"/>-th non-blank line, as the admin sees it.</summary>
    public int LineOf(int entry)
    {
        var lines = AllowedDestinations.Split('\n');
        for (int i = 0, seen = 0; i < lines.Length; i++)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]) && seen++ == entry)
            {
                return i + 1;
            }
        }
        return entry + 1;
    }

    public NewHubEdge ToNew() =>
        new(Id.Trim(), string.IsNullOrWhiteSpace(Key) ? null : Key, Description, Enabled, Encrypt, MaxSessions, AllowedLines());

    public HubEdgeUpdate ToUpdate() => new(Description, Enabled, Encrypt, MaxSessions, AllowedLines());
}
