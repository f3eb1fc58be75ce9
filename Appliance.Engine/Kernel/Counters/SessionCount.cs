using Appliance.Engine.Planning;

namespace Appliance.Engine.Kernel.Counters;

/// <summary>Sessions per connection mark, read from one <c>conntrack -L</c> listing (both families, every entry).</summary>
public static class SessionCount
{
    /// <summary>One listing of the whole table: a filter per WAN would walk it once per WAN.</summary>
    public static IReadOnlyList<string> ConntrackArguments { get; } = ["-L"];

    private const string MarkField = " mark=";

    /// <summary>
    /// Counts entries by the appliance's bits of their mark (<see cref="KernelIds.MarkMask"/>); unmarked entries are left out.
    /// conntrack prints the mark in decimal ("... [ASSURED] mark=65536 use=1").
    /// </summary>
    public static IReadOnlyDictionary<uint, long> ParseByMark(string listing)
    {
        var counts = new Dictionary<uint, long>();
        // Spans, not Split: the table can hold tens of thousands of entries and this runs every second.
        foreach (var line in listing.AsSpan().EnumerateLines())
        {
            var at = line.IndexOf(MarkField, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }
            var digits = line[(at + MarkField.Length)..];
            var end = 0;
            ulong value = 0;
            while (end < digits.Length && char.IsAsciiDigit(digits[end]) && value <= uint.MaxValue)
            {
                value = value * 10 + (ulong)(digits[end] - '0');
                end++;
            }
            if (end == 0 || value > uint.MaxValue)
            {
                continue;
            }
            var mark = (uint)value & KernelIds.MarkMask;
            if (mark != 0)
            {
                counts[mark] = counts.GetValueOrDefault(mark) + 1;
            }
        }
        return counts;
    }
}
