using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Appliance.Engine.Bonding;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Data.Store;

// Checks of edge ids, keys and limits, all reported at once per field like configuration edits.
public sealed partial class HubEdgeStore
{
    public const int MinKeyLength = SettingsValidator.MinKeyLength;
    public const int MaxKeyLength = SettingsValidator.MaxKeyLength;
    public const int MaxSessionsLimit = 100_000;
    public const int MaxAllowedDestinations = 64;
    public const int MaxDescriptionLength = 200;

    // \z rather than $: $ also matches before a final newline, which would let "edge\n" through.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z")]
    private static partial Regex IdPattern();

    /// <summary>32 random bytes as unpadded base64url: 256 bits, and no characters that need quoting anywhere.</summary>
    public static string GenerateKey() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <returns>The allow list, parsed and in canonical form.</returns>
    private static IReadOnlyList<IPNetwork> ValidateNew(NewHubEdge edge)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(edge.Id))
        {
            errors.Add("id", "is required");
        }
        else if (!IdPattern().IsMatch(edge.Id))
        {
            errors.Add("id", "must be 1 to 63 characters of a-z, 0-9 and '-', starting with a letter or digit");
        }
        CheckKey(edge.Key, errors);
        CheckSettings(edge.Description, edge.MaxSessions, errors);
        var allowed = CheckAllowed(edge.AllowedDestinations, errors);
        ThrowIfAny(errors);
        return allowed;
    }

    private static IReadOnlyList<IPNetwork> ValidateUpdate(HubEdgeUpdate update)
    {
        var errors = new ValidationErrors();
        CheckSettings(update.Description, update.MaxSessions, errors);
        var allowed = CheckAllowed(update.AllowedDestinations, errors);
        ThrowIfAny(errors);
        return allowed;
    }

    /// <summary>Each entry a network (CIDR without host bits) or a single address, none that no allow list can open, no repeats.</summary>
    private static List<IPNetwork> CheckAllowed(IReadOnlyList<string>? entries, ValidationErrors errors)
    {
        var allowed = new List<IPNetwork>();
        if (entries is null)
        {
            return allowed;
        }
        if (entries.Count > MaxAllowedDestinations)
        {
            errors.Add("allowedDestinations", $"may have at most {MaxAllowedDestinations} entries");
            return allowed;
        }
        for (var i = 0; i < entries.Count; i++)
        {
            var field = $"allowedDestinations[{i}]";
            var entry = entries[i]?.Trim();
            if (!FieldRules.TryParseCidr(entry, out var network))
            {
                errors.Add(field, "must be a network such as 10.20.0.0/16 or fd00:20::/48 (no host bits set), or a single address");
            }
            else if (network.BaseAddress.IsIPv4MappedToIPv6)
            {
                errors.Add(field, "must be written as IPv4, without the ::ffff: prefix");
            }
            else if (DestinationPolicy.NeverAllowed(network) is { } never)
            {
                errors.Add(field, $"is {never}: the hub never relays there, whatever the allow list says");
            }
            else if (allowed.Contains(network))
            {
                errors.Add(field, $"repeats {network}");
            }
            else
            {
                allowed.Add(network);
            }
        }
        return allowed;
    }

    private static void ValidateKey(string? key)
    {
        var errors = new ValidationErrors();
        CheckKey(key, errors);
        ThrowIfAny(errors);
    }

    // The message never quotes the key: it ends up in logs and problem details.
    private static void CheckKey(string? key, ValidationErrors errors)
    {
        if (key is not null && !FieldRules.IsKey(key, MinKeyLength, MaxKeyLength))
        {
            errors.Add("key", $"must be {MinKeyLength} to {MaxKeyLength} printable ASCII characters without spaces; omit it to have one generated");
        }
    }

    private static void CheckSettings(string? description, int maxSessions, ValidationErrors errors)
    {
        if (FieldRules.FreeTextError(description, MaxDescriptionLength) is { } descriptionError)
        {
            errors.Add("description", descriptionError);
        }
        if (maxSessions is < 1 or > MaxSessionsLimit)
        {
            errors.Add("maxSessions", $"must be between 1 and {MaxSessionsLimit}");
        }
    }

    private static void ThrowIfAny(ValidationErrors errors)
    {
        if (!errors.IsEmpty)
        {
            throw new ConfigValidationException(errors, "The edge is invalid.");
        }
    }
}
