using System.Globalization;
using System.Text.Json;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Kernel;

/// <summary>Reads <c>ip -N -j -4 rule show</c> and writes the arguments of <c>ip rule add/del</c> for the rules the appliance plans.</summary>
/// <remarks>
/// The appliance's priority range may also hold rules somebody else added, in any form the kernel knows. Each is read
/// without failing: the forms the appliance writes itself (a source, a mark, a table, <c>suppress_prefixlength</c>)
/// become ordinary specs, anything else is kept as text in <see cref="IpRuleSpec.Unmanaged"/>.
/// </remarks>
public static class IpRuleParser
{
    /// <summary>The listing command: numeric tables (-N), so names in rt_tables never hide a table's number.</summary>
    public static IReadOnlyList<string> ShowArguments { get; } = ["-N", "-j", "-4", "rule", "show"];

    // "protocol" says who added the rule; it selects nothing, so it does not make a rule someone else's form.
    private static readonly HashSet<string> Managed = new(StringComparer.Ordinal)
    {
        "priority", "src", "srclen", "fwmark", "fwmask", "table", "suppress_prefixlen", "protocol",
    };

    /// <summary>The rules in the appliance's priority range.</summary>
    public static IReadOnlyList<IpRuleSpec> Parse(string json)
    {
        var rules = new List<IpRuleSpec>();
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        foreach (var rule in doc.RootElement.EnumerateArray())
        {
            if (!rule.TryGetProperty("priority", out var p) || !p.TryGetInt32(out var priority) ||
                priority is < KernelIds.FirstRulePriority or > KernelIds.LastRulePriority)
            {
                continue;
            }
            var unmanaged = new List<string>();
            foreach (var property in rule.EnumerateObject().Where(x => !Managed.Contains(x.Name)))
            {
                unmanaged.Add(property.Value.ValueKind == JsonValueKind.Null ? property.Name : $"{property.Name} {property.Value}");
            }
            var table = 0;
            if (rule.TryGetProperty("table", out var t) && !TryParseTable(Text(t), out table))
            {
                unmanaged.Add($"lookup {Text(t)}");
            }
            uint mark = 0, mask = 0;
            if (rule.TryGetProperty("fwmark", out var m))
            {
                // Without a mask the kernel compares every bit.
                var k = rule.TryGetProperty("fwmask", out var shown) ? Text(shown) : "0xffffffff";
                if (!TryParseHex(Text(m), out mark) || !TryParseHex(k, out mask))
                {
                    unmanaged.Add($"fwmark {Text(m)}/{k}");
                }
            }
            rules.Add(new IpRuleSpec(priority, mark, mask, table, Source(rule))
            {
                SuppressPrefixLength = rule.TryGetProperty("suppress_prefixlen", out var s) && s.TryGetInt32(out var length) ? length : null,
                Unmanaged = unmanaged.Count == 0 ? null : string.Join(' ', unmanaged),
            });
        }
        return rules;
    }

    /// <summary>Selectors and table of a rule the appliance plans, after <c>ip rule add</c> or <c>ip rule del</c>.</summary>
    public static IReadOnlyList<string> Arguments(IpRuleSpec rule)
    {
        if (rule.Unmanaged is not null)
        {
            throw new ArgumentException($"the appliance does not write rules of this form: {rule}", nameof(rule));
        }
        List<string> args = ["priority", Invariant(rule.Priority)];
        if (rule.From is not null)
        {
            args.AddRange(["from", rule.From]);
        }
        if (rule.Mask != 0)
        {
            args.AddRange(["fwmark", $"0x{rule.Mark:x}/0x{rule.Mask:x}"]);
        }
        args.AddRange(["lookup", IpRuleSpec.TableName(rule.Table)]);
        if (rule.SuppressPrefixLength is { } length)
        {
            args.AddRange(["suppress_prefixlength", Invariant(length)]);
        }
        return args;
    }

    private static string? Source(JsonElement rule)
    {
        if (!rule.TryGetProperty("src", out var src) || Text(src) is not { } source || source == "all")
        {
            return null;
        }
        // A host address is shown without its length; a network with it.
        return rule.TryGetProperty("srclen", out var length) && length.TryGetInt32(out var bits) ? $"{source}/{Invariant(bits)}" : source;
    }

    private static bool TryParseTable(string? text, out int table)
    {
        table = text switch
        {
            "local" => 255,
            "main" => KernelIds.MainTable,
            "default" => 253,
            _ => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0,
        };
        return table != 0;
    }

    private static bool TryParseHex(string? text, out uint value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
