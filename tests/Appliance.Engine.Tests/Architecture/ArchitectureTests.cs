using System.Text.RegularExpressions;

namespace Appliance.Engine.Tests.Architecture;

/// <summary>
/// Only Kernel/ (and the D-Bus adapters of the firmware slots) touch the machine, so the rest of the engine stays
/// testable with fakes and the Linux specifics are found in one place.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly DirectoryInfo Root = MachineAccessScan.RepositoryRoot();
    private static readonly DirectoryInfo Engine = new(Path.Combine(Root.FullName, "Appliance.Engine"));

    [Fact]
    public void Only_the_kernel_folder_and_the_dbus_adapters_touch_the_machine()
    {
        var found = MachineAccessScan.SourceFiles(Engine, "*.cs")
            .Where(file => !MachineAccessScan.Allowed.Any(folder => file.StartsWith(folder, StringComparison.Ordinal)))
            .SelectMany(file => MachineAccessScan.Find(File.ReadAllText(Path.Combine(Engine.FullName, file)))
                .Select(hit => $"{file}:{hit.Line}: {hit.Rule}: {hit.Text}"))
            .ToList();

        Assert.True(found.Count == 0, "outside " + string.Join(" and ", MachineAccessScan.Allowed) + ":\n" + string.Join('\n', found));
    }

    [Fact]
    public void The_scan_finds_what_the_kernel_folder_does()
    {
        // A rule that matched nothing would pass the test above whatever the tree holds: each must bite on the real code.
        var rules = MachineAccessScan.SourceFiles(Engine, "*.cs")
            .Where(file => file.StartsWith("Kernel/", StringComparison.Ordinal))
            .SelectMany(file => MachineAccessScan.Find(File.ReadAllText(Path.Combine(Engine.FullName, file))))
            .Select(hit => hit.Rule)
            .ToHashSet();

        Assert.Superset(new HashSet<string> { "P/Invoke", "socket option", "raw, ICMP or MPTCP socket", "kernel tool run as a program", "process started" }, rules);
    }

    [Theory]
    [InlineData("[LibraryImport(\"libc\", EntryPoint = \"socket\", SetLastError = true)]")]
    [InlineData("[DllImport(\"libc\")]")]
    [InlineData("socket.SetRawSocketOption(SolSocket, SoMark, BitConverter.GetBytes(mark));")]
    [InlineData("var length = socket.GetRawSocketOption(SolMptcp, MptcpInfo, info);")]
    [InlineData("socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 60);")]
    [InlineData("using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);")]
    [InlineData("var socket = factory.Create(family, SocketType.Stream, (ProtocolType)262);")]
    [InlineData("return new Socket(new SafeSocketHandle(fd, ownsHandle: true));")]
    [InlineData("var json = await runner.RunCheckedAsync(\"nft\", [\"-j\", \"list\", \"counters\"], null, ct);")]
    [InlineData("probe = await runner.RunAsync(\"nft\", [\"list\", \"tables\"], null, ct);")]
    [InlineData("await runner.RunAsync( \"conntrack\", [\"-L\"]);")]
    [InlineData("var listing = await runner.RunCheckedAsync(\"ss\", args, null, ct);")]
    [InlineData("await runner.RunCheckedAsync(\"ip\", [\"rule\", \"show\"]);")]
    [InlineData("await runner.RunAsync(\"sysctl\", [\"-n\", key]);")]
    [InlineData("using var process = Process.Start(start);")]
    [InlineData("var start = new ProcessStartInfo { FileName = program };")]
    public void The_scan_flags_machine_access(string line) =>
        Assert.NotEmpty(MachineAccessScan.Find(line));

    [Theory]
    [InlineData("/// .NET refuses <c>new Socket(…, (ProtocolType)262)</c>, so the socket comes from libc")]
    [InlineData("// IP_TRANSPARENT: listener.SetRawSocketOption(SolIp, IpTransparent, one)")]
    [InlineData("CallAsync(c => RaucMessages.Call(c, \"Mark\", \"ss\", state, slotIdentifier), RaucMessages.ReadTwoStrings, ct)")]
    [InlineData("var direct = _sockets.Create(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);")]
    [InlineData("socket.LingerState = new LingerOption(true, 0);")]
    [InlineData("direct.NoDelay = true;")]
    [InlineData("private static string Family(IPNetwork network) => network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? \"ip6\" : \"ip\";")]
    [InlineData("var listing = await counters.ReadSessionsByMarkAsync(ct);")]
    public void The_scan_leaves_ordinary_code_alone(string line) =>
        Assert.Empty(MachineAccessScan.Find(line));

    [Fact]
    public void The_web_ui_does_not_import_the_dbus_adapters()
    {
        var web = new DirectoryInfo(Path.Combine(Root.FullName, "Appliance.Web"));
        var found = MachineAccessScan.SourceFiles(web, "*.cs", "*.razor", "*.cshtml")
            .SelectMany(file => File.ReadLines(Path.Combine(web.FullName, file))
                .Select((text, i) => (file, line: i + 1, text: text.Trim()))
                .Where(l => DBusNamespace().IsMatch(l.text)))
            .Select(l => $"{l.file}:{l.line}: {l.text}")
            .ToList();

        Assert.True(found.Count == 0, "Appliance.Web uses the D-Bus transport:\n" + string.Join('\n', found));
    }

    // Appliance.Engine.DBus, or a DBus namespace anywhere below the engine (the firmware slots' adapters).
    [GeneratedRegex(@"\bAppliance\.Engine(?:\.\w+)*\.DBus\b")]
    private static partial Regex DBusNamespace();
}
