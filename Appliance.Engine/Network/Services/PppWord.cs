using System.Text;

namespace Appliance.Engine.Network.Services;

/// <summary>
/// One word in pppd's option and secrets files: double-quoted, with '\' and '"' escaped by a backslash, which is how
/// pppd's getword() reads them back. Inside quotes '#' and spaces are plain characters. Control characters have no
/// escape that every reader agrees on, so they are refused, a newline above all (it would start a new option).
/// </summary>
internal static class PppWord
{
    /// <summary>pppd's MAXNAMELEN and MAXSECRETLEN are 256 bytes with the terminating NUL.</summary>
    public const int MaxLength = 255;

    public static string Quote(string? value, string field, bool secret = false)
    {
        var text = RenderGuard.Printable(value, field, MaxLength, secret);
        if (Encoding.UTF8.GetByteCount(text) > MaxLength)
        {
            throw new ArgumentException($"{field} is longer than {MaxLength} bytes", field);
        }
        return "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
