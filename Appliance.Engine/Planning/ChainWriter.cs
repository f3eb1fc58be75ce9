using System.Text;

namespace Appliance.Engine.Planning;

/// <summary>
/// Writes one chain of an nftables table: <c>chain name {</c>, its hook line if it has one, one indented rule a line,
/// each ending in its comment, and the closing brace when disposed.
/// </summary>
internal sealed class ChainWriter : IDisposable
{
    /// <summary>nftables refuses longer comments (NFTNL_UDATA_COMMENT_MAXLEN).</summary>
    public const int MaxCommentLength = 128;

    private readonly StringBuilder _text;

    /// <param name="hook">E.g. <c>filter hook prerouting priority mangle</c>; null for a chain only jumped to.</param>
    public ChainWriter(StringBuilder text, string name, string? hook = null)
    {
        _text = text;
        _text.Append("\tchain ").Append(name).Append(" {\n");
        if (hook is not null)
        {
            _text.Append("\t\ttype ").Append(hook).Append("; policy accept;\n");
        }
    }

    /// <param name="statement">Matches and statements, verdict last.</param>
    /// <param name="why">Why the rule exists, shown by <c>nft list ruleset</c>.</param>
    public void Rule(string statement, string why)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(why);
        _text.Append("\t\t").Append(statement).Append(" comment \"").Append(SafeComment(why)).Append("\"\n");
    }

    public void Dispose() => _text.Append("\t}\n");

    /// <summary>
    /// The comment as nftables can hold it: characters that could end the quoted string or read oddly in a terminal
    /// (quotes, backslashes, control characters, anything beyond ASCII) become '?', and it is cut to the kernel's limit.
    /// Comments are fixed words and validated names, so this only guards against a mistake, never reshapes real text.
    /// </summary>
    public static string SafeComment(string why)
    {
        var safe = new StringBuilder(Math.Min(why.Length, MaxCommentLength));
        foreach (var c in why.AsSpan(0, Math.Min(why.Length, MaxCommentLength)))
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || " _.,:;()/'+=<>-".Contains(c) ? c : '?');
        }
        return safe.ToString();
    }
}
