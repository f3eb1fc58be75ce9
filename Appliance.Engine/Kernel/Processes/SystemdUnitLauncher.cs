using System.Text.RegularExpressions;

namespace Appliance.Engine.Kernel.Processes;

/// <summary>
/// Runs a daemon as a systemd unit instead of as the engine's own child, for a program that must run as root while
/// the engine does not: pppd refuses to start unless its effective user is root, and the image's engine runs as the
/// <c>appliance</c> user with no way to gain privileges. The unit (<c>appliance-pppd@.service</c> in the image) fixes
/// the command line; the engine only starts, signals and stops it, which polkit allows it for those units alone.
/// </summary>
/// <remarks>
/// The child the supervisor sees is <c>systemctl restart --wait UNIT</c>: it lives as long as the unit runs and exits
/// when the unit's program exits, so <see cref="SupervisedProcess"/> restarts it with the same backoff as any child.
/// <c>restart</c>, not <c>start</c>: a unit left running by an engine that was killed would otherwise keep its old
/// session, which this engine knows nothing about. The <see cref="ProcessSpec"/>'s program and arguments are not used:
/// the unit runs the same command from its own file.
/// </remarks>
public sealed partial class SystemdUnitLauncher : IProcessLauncher
{
    private const string Systemctl = "systemctl";
    private readonly IProcessLauncher _inner;

    public SystemdUnitLauncher(string unit, IProcessLauncher inner)
    {
        if (!UnitName().IsMatch(unit))
        {
            throw new ArgumentException($"'{unit}' is not a unit name this launcher runs", nameof(unit));
        }
        Unit = unit;
        _inner = inner;
    }

    public string Unit { get; }

    public IChildProcess Start(ProcessSpec spec, Action<string> onStdout, Action<string> onStderr)
    {
        var run = new ProcessSpec(spec.Name, Systemctl, ["--no-ask-password", "restart", "--wait", Unit]);
        return new UnitChild(this, _inner.Start(run, onStdout, onStderr), onStderr);
    }

    /// <summary>Runs one systemctl command on the unit to its end; its errors go to the log like the daemon's.</summary>
    private async Task ControlAsync(string name, IReadOnlyList<string> verb, Action<string> onStderr, CancellationToken ct)
    {
        var child = _inner.Start(new ProcessSpec(name, Systemctl, ["--no-ask-password", .. verb, Unit]), _ => { }, onStderr);
        try
        {
            await child.Exited.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            await child.StopAsync(TimeSpan.Zero, CancellationToken.None);
            throw;
        }
    }

    // An instance of a template whose instance is a WAN name (lower-case letters, digits, '-'), as the image ships it.
    [GeneratedRegex(@"\A[a-z][a-z0-9-]{0,63}@[a-z0-9][a-z0-9-]{0,63}\.service\z")]
    private static partial Regex UnitName();

    private sealed class UnitChild(SystemdUnitLauncher launcher, IChildProcess systemctl, Action<string> onStderr) : IChildProcess
    {
        public int Id => systemctl.Id;
        public Task<int> Exited => systemctl.Exited;

        public Task SignalAsync(ChildSignal signal, CancellationToken ct = default)
        {
            var name = signal switch
            {
                ChildSignal.Hangup => "SIGHUP",
                ChildSignal.User1 => "SIGUSR1",
                _ => "SIGTERM",
            };
            return Exited.IsCompleted
                ? Task.CompletedTask
                : launcher.ControlAsync("systemctl kill", ["kill", "--kill-whom=main", "--signal=" + name], onStderr, ct);
        }

        /// <summary>Stops the unit (systemd sends SIGTERM, then SIGKILL after the unit's own timeout); the waiting systemctl then exits.</summary>
        public async Task StopAsync(TimeSpan grace, CancellationToken ct = default)
        {
            if (Exited.IsCompleted)
            {
                return;
            }
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(grace + grace);
            try
            {
                await launcher.ControlAsync("systemctl stop", ["stop"], onStderr, bounded.Token);
                await Exited.WaitAsync(grace, ct);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                // The unit did not stop in time, or systemctl hung: the waiting systemctl at least goes.
            }
            await systemctl.StopAsync(TimeSpan.Zero, ct);
        }
    }
}
