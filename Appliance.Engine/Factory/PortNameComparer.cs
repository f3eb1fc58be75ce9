namespace Appliance.Engine.Factory;

/// <summary>
/// Natural order of interface names: runs of digits compare as numbers, everything else ordinally, so eth2 comes
/// before eth10 and enp1s0 before enp2s0. Names equal as numbers (eth01, eth1) fall back to ordinal order.
/// </summary>
public sealed class PortNameComparer : IComparer<string>
{
    public static PortNameComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var (a, nextI) = DigitRun(x, i);
                var (b, nextJ) = DigitRun(y, j);
                var byNumber = CompareNumbers(a, b);
                if (byNumber != 0)
                {
                    return byNumber;
                }
                (i, j) = (nextI, nextJ);
                continue;
            }
            var byChar = x[i].CompareTo(y[j]);
            if (byChar != 0)
            {
                return byChar;
            }
            i++;
            j++;
        }
        var byLength = (x.Length - i).CompareTo(y.Length - j);
        return byLength != 0 ? byLength : string.CompareOrdinal(x, y);
    }

    private static (string Digits, int Next) DigitRun(string s, int start)
    {
        var end = start;
        while (end < s.Length && char.IsAsciiDigit(s[end]))
        {
            end++;
        }
        return (s[start..end].TrimStart('0'), end);
    }

    /// <summary>Compares digit strings without leading zeros as numbers of any length.</summary>
    private static int CompareNumbers(string a, string b) =>
        a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
}
