using System.Text.RegularExpressions;

namespace Appliance.Engine.Tests.Architecture;

/// <summary>Finds code that touches the machine directly: P/Invoke, socket options, raw sockets, kernel tools run as programs.</summary>
internal static partial class MachineAccessScan
{
    /// <summary>The folders of Appliance.Engine allowed to touch the machine (paths relative to the project, '/' separated).</summary>
    public static IReadOnlyList<string> Allowed { get; } = ["Kernel/", "FirmwareSlots/DBus/"];

    private static readonly (string Rule, Regex Pattern)[] Rules =
    [
        ("P/Invoke", PInvoke()),
        ("socket option", SocketOption()),
        ("raw, ICMP or MPTCP socket", SpecialSocket()),
        ("kernel tool run as a program", KernelTool()),
        ("process started", ProcessStart()),
    ];

    /// <summary>Each rule a line breaks, with the line (1-based); whole-line comments are skipped, since they only talk about code.</summary>
    public static IEnumerable<(int Line, string Rule, string Text)> Find(string source)
    {
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var (rule, pattern) in Rules)
            {
                if (pattern.IsMatch(line))
                {
                    yield return (i + 1, rule, line);
                }
            }
        }
    }

    /// <summary>The repository root: the directory above the test's output that holds Appliance.sln.</summary>
    public static DirectoryInfo RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException($"no Appliance.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>The project's own source files (not bin/ or obj/), as paths relative to <paramref name="project"/> with '/'.</summary>
    public static IEnumerable<string> SourceFiles(DirectoryInfo project, params string[] patterns) =>
        patterns.SelectMany(p => project.EnumerateFiles(p, SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(project.FullName, f.FullName).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    [GeneratedRegex(@"\[\s*(?:DllImport|LibraryImport)\b")]
    private static partial Regex PInvoke();

    // Portable properties (NoDelay, LingerState) are not options in this sense; every Set/Get*SocketOption call is.
    [GeneratedRegex(@"\b(?:Set|Get)(?:Raw)?SocketOption\s*\(|\bIOControl\s*\(")]
    private static partial Regex SocketOption();

    // However the socket is made (new Socket, a factory, a libc handle): raw types, ICMP, protocol numbers .NET has no name for.
    [GeneratedRegex(@"\bSocketType\.(?:Raw|Rdm|Seqpacket)\b|\bProtocolType\.(?:Icmp|IcmpV6|Raw|Igmp)\b|\(\s*(?:ProtocolType|SocketType|AddressFamily)\s*\)\s*\d|\bnew\s+SafeSocketHandle\s*\(")]
    private static partial Regex SpecialSocket();

    // The program handed to the command runner; "ss" elsewhere (a D-Bus signature) is not a program.
    [GeneratedRegex(@"\bRun(?:Checked)?Async\s*\(\s*""(?:nft|conntrack|ss|ip|sysctl|tc|ethtool|iptables|ip6tables|modprobe)""")]
    private static partial Regex KernelTool();

    [GeneratedRegex(@"\bProcessStartInfo\b|\bProcess\.Start\s*\(")]
    private static partial Regex ProcessStart();
}
