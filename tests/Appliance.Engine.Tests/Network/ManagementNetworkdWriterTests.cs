using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Appliance.Engine.Network;
using Appliance.Engine.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Tests.Network;

/// <summary>networkd configures management ports only: their files follow the configuration, and nothing else is touched.</summary>
public sealed class ManagementNetworkdWriterTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("networkd-");
    private readonly Runner _runner = new();

    private sealed class Runner : ICommandRunner
    {
        public List<string> Commands { get; } = [];

        public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, string? stdin = null, CancellationToken ct = default)
        {
            Commands.Add($"{program} {string.Join(' ', arguments)}");
            return Task.FromResult(new CommandResult(0, "", ""));
        }
    }

    private ManagementNetworkdWriter Writer() => new(new FakeConfigSource(ConfigSnapshot.None), _runner,
        Options.Create(new EngineOptions { NetworkdDirectory = _directory.FullName }), NullLogger<ManagementNetworkdWriter>.Instance);

    private static ApplianceConfig WithPorts(params (string Name, PortRole Role)[] ports) =>
        new() { Ports = ports.Select(p => new PortConfig { Name = p.Name, Role = p.Role }).ToList() };

    private string[] Files() => _directory.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal).ToArray();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Only_management_ports_get_a_file_that_matches_them_by_name()
    {
        var files = ManagementNetworkFiles.Render(WithPorts(("eth0", PortRole.Lan), ("eth1", PortRole.Wan), ("eth3", PortRole.Management), ("eth4", PortRole.Unused)));

        var (name, content) = Assert.Single(files);
        Assert.Equal("20-appliance-management-eth3.network", name);
        Assert.Contains("[Match]\nName=eth3\n", content, StringComparison.Ordinal);
        Assert.Contains("DHCP=ipv4\n", content, StringComparison.Ordinal);
        Assert.Contains("UseGateway=no\n", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_follow_the_roles_and_networkd_reloads_only_on_a_change()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "10-someone-else.network"), "[Match]\nName=eth9\n");
        var writer = Writer();

        Assert.True(await writer.SyncAsync(_directory.FullName, WithPorts(("eth0", PortRole.Lan), ("eth3", PortRole.Management)), Ct));
        Assert.False(await writer.SyncAsync(_directory.FullName, WithPorts(("eth0", PortRole.Lan), ("eth3", PortRole.Management)), Ct));
        Assert.Equal(["10-someone-else.network", "20-appliance-management-eth3.network"], Files());

        Assert.True(await writer.SyncAsync(_directory.FullName, WithPorts(("eth0", PortRole.Lan), ("eth3", PortRole.Wan)), Ct));
        Assert.Equal(["10-someone-else.network"], Files());
        Assert.Equal(["networkctl reload", "networkctl reload"], _runner.Commands);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
