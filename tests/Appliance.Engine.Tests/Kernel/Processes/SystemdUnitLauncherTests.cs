using Appliance.Engine.Kernel.Processes;
using Appliance.Engine.Network;
using Appliance.Engine.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Kernel.Processes;

public sealed class SystemdUnitLauncherTests
{
    private const string Unit = "appliance-pppd@dsl.service";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_child_is_systemctl_waiting_on_a_restarted_unit_and_stopping_stops_the_unit()
    {
        var systemd = new FakeSystemd();
        var launcher = new SystemdUnitLauncher(Unit, systemd);

        var child = launcher.Start(new ProcessSpec("pppd dsl", "pppd", ["file", "/run/appliance/ppp-dsl/options"]), _ => { }, _ => { });

        Assert.Equal(["--no-ask-password", "restart", "--wait", Unit], systemd.Commands.Single());
        Assert.True(systemd.Active);
        await child.StopAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(["--no-ask-password", "stop", Unit], systemd.Commands[^1]);
        Assert.False(systemd.Active);
        Assert.True(child.Exited.IsCompleted);
    }

    [Fact]
    public async Task Signals_go_to_the_units_main_process()
    {
        var systemd = new FakeSystemd();
        var child = new SystemdUnitLauncher(Unit, systemd).Start(new ProcessSpec("pppd dsl", "pppd", []), _ => { }, _ => { });

        await child.SignalAsync(ChildSignal.Hangup, Ct);

        Assert.Equal(["--no-ask-password", "kill", "--kill-whom=main", "--signal=SIGHUP", Unit], systemd.Commands[^1]);
        Assert.True(systemd.Active);
    }

    [Fact]
    public async Task When_the_units_program_exits_the_supervisor_sees_the_child_exit_and_restarts_the_unit()
    {
        var systemd = new FakeSystemd();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var supervised = new SupervisedProcess(new ProcessSpec("pppd dsl", "pppd", []),
            new SystemdUnitLauncher(Unit, systemd), time, NullLogger.Instance);
        await Wait.UntilAsync(() => systemd.Active && supervised.ProcessId is not null, "the unit started");
        var first = supervised.ProcessId;

        systemd.ProgramExits();

        await Wait.UntilAsync(() => supervised.Starts == 2 && systemd.Active, "the unit restarted after the backoff", time, TimeSpan.FromSeconds(1));
        Assert.NotEqual(first, supervised.ProcessId);
        Assert.Equal(2, systemd.Commands.Count(c => c.Contains("restart")));
    }

    [Theory]
    [InlineData("sshd.service")]
    [InlineData("appliance-pppd@dsl.service; reboot")]
    [InlineData("appliance-pppd@../x.service")]
    [InlineData("appliance-pppd@dsl.service\n")]
    public void Only_instances_of_a_template_named_for_a_wan_are_run(string unit)
    {
        Assert.Throws<ArgumentException>(() => new SystemdUnitLauncher(unit, new FakeSystemd()));
    }

    [Fact]
    public void Every_valid_wan_name_makes_a_valid_unit()
    {
        _ = new SystemdUnitLauncher(WanAddressService.PppdUnit("wan-2"), new FakeSystemd());
        _ = new SystemdUnitLauncher(WanAddressService.PppdUnit(new string('a', 32)), new FakeSystemd());
    }

    /// <summary>systemctl against one unit: restart --wait runs until the unit stops; stop and kill return at once.</summary>
    private sealed class FakeSystemd : IProcessLauncher
    {
        private readonly Lock _lock = new();
        private readonly List<IReadOnlyList<string>> _commands = [];
        private TaskCompletionSource<int>? _running;
        private int _nextId = 100;

        public bool Active
        {
            get { lock (_lock) { return _running is { Task.IsCompleted: false }; } }
        }

        public IReadOnlyList<IReadOnlyList<string>> Commands
        {
            get { lock (_lock) { return [.. _commands]; } }
        }

        public void ProgramExits()
        {
            lock (_lock)
            {
                _running?.TrySetResult(1);
            }
        }

        public IChildProcess Start(ProcessSpec spec, Action<string> onStdout, Action<string> onStderr)
        {
            Assert.Equal("systemctl", spec.Program);
            lock (_lock)
            {
                _commands.Add(spec.Arguments);
                var exit = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (spec.Arguments.Contains("restart"))
                {
                    _running?.TrySetResult(0);
                    _running = exit;
                }
                else
                {
                    if (spec.Arguments.Contains("stop"))
                    {
                        _running?.TrySetResult(0);
                    }
                    exit.SetResult(0);
                }
                return new Child(++_nextId, exit);
            }
        }

        private sealed class Child(int id, TaskCompletionSource<int> exit) : IChildProcess
        {
            public int Id => id;
            public Task<int> Exited => exit.Task;
            public Task SignalAsync(ChildSignal signal, CancellationToken ct = default) => Task.CompletedTask;

            public Task StopAsync(TimeSpan grace, CancellationToken ct = default)
            {
                exit.TrySetResult(143);
                return Task.CompletedTask;
            }
        }
    }
}
