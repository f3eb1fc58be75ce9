using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel.Processes;
using Appliance.Engine.Network.Services;
using Microsoft.Extensions.Logging;

namespace Appliance.Engine.Network;

/// <summary>One WAN's addressing while its configuration stays the same: its daemon (if any) and its current state.</summary>
internal sealed class WanClient : IAsyncDisposable
{
    private readonly WanLink _wan;
    private readonly WanAddressService _owner;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private SupervisedProcess? _process;
    private ITimer? _expiry;
    private Task _watch = Task.CompletedTask;
    private WanAddressState _state;

    private WanClient(WanLink wan, WanAddressService owner)
    {
        _wan = wan;
        _owner = owner;
        _state = WanAddressMachine.Waiting(wan);
    }

    public WanAddressState State
    {
        get { lock (_lock) { return _state; } }
    }

    public static WanClient Start(WanLink wan, WanAddressService owner)
    {
        var client = new WanClient(wan, owner);
        switch (wan.EffectiveAddressing.Mode)
        {
            case AddressingMode.Dhcp:
                client.StartDhcp();
                break;
            case AddressingMode.Pppoe:
                client.StartPppoe();
                break;
        }
        return client;
    }

    /// <summary>Whether this client still does what <paramref name="wan"/> asks (else it is replaced).</summary>
    public bool Serves(WanLink wan) =>
        wan.Interface == _wan.Interface && wan.Gateway == _wan.Gateway &&
        wan.EffectiveAddressing with { DnsServers = [] } == _wan.EffectiveAddressing with { DnsServers = [] } &&
        wan.EffectiveAddressing.DnsServers.SequenceEqual(_wan.EffectiveAddressing.DnsServers, StringComparer.Ordinal);

    public async Task<bool> RenewAsync(CancellationToken ct)
    {
        if (_process is null)
        {
            return false;
        }
        if (_wan.EffectiveAddressing.Mode == AddressingMode.Dhcp)
        {
            return await _process.SignalAsync(ChildSignal.User1, ct);
        }
        await _process.RestartAsync(ct);
        return true;
    }

    private void StartDhcp()
    {
        var directory = Directory.CreateDirectory(_owner.RuntimeDirectory).FullName;
        var script = Path.Combine(directory, "udhcpc.script");
        RuntimeFile.Write(script, UdhcpcScript.Text, RuntimeFile.Script);
        var spec = new ProcessSpec($"udhcpc {_wan.Name}", UdhcpcCommand.Program, UdhcpcCommand.Arguments(_wan.Interface, script, null));
        _process = new SupervisedProcess(spec, _owner.Launcher, _owner.Time, _owner.Loggers.CreateLogger("Appliance.Engine.Network.Udhcpc"), OnDhcpLine);
    }

    private void OnDhcpLine(string line)
    {
        if (!UdhcpcEvent.TryParse(line, out var ev))
        {
            return;
        }
        var now = _owner.Time.GetUtcNow();
        var next = Update(current => WanAddressMachine.OnDhcp(_wan, ev, current, now));
        lock (_lock)
        {
            _expiry?.Dispose();
            _expiry = next.Expires is { } expires
                ? _owner.Time.CreateTimer(_ => OnExpired(expires), null, expires - now, Timeout.InfiniteTimeSpan)
                : null;
        }
    }

    private void OnExpired(DateTimeOffset expires) =>
        Update(current => current.Expires == expires ? WanAddressMachine.Expired(current) : current);

    private void StartPppoe()
    {
        var pppoe = _wan.EffectiveAddressing.Pppoe ?? new PppoeSettings();
        // The image's pppd runs as root in its own unit, with the appliance group and no power to override file
        // modes: the group reads the options and runs the scripts, and the scripts write the state file here.
        var directory = Directory.CreateDirectory(Path.Combine(_owner.RuntimeDirectory, "ppp-" + _wan.Name)).FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, RuntimeFile.GroupDirectory);
        }
        var up = Path.Combine(directory, "ip-up");
        var down = Path.Combine(directory, "ip-down");
        var state = Path.Combine(directory, "state");
        var optionsFile = Path.Combine(directory, "options");
        RuntimeFile.Write(up, PppScripts.IpUp, RuntimeFile.GroupScript);
        RuntimeFile.Write(down, PppScripts.IpDown, RuntimeFile.GroupScript);
        File.Delete(state);
        RuntimeFile.Write(optionsFile, PppdOptions.Render(new PppdInput(_wan.Name, _wan.Interface, pppoe, up, down, state)), RuntimeFile.GroupSecret);
        var spec = new ProcessSpec($"pppd {_wan.Name}", PppdCommand.Program, PppdCommand.Arguments(optionsFile));
        _process = new SupervisedProcess(spec, _owner.PppdLauncher(_wan.Name), _owner.Time, _owner.Loggers.CreateLogger("Appliance.Engine.Network.Pppd"));
        _watch = WatchPppAsync(state, _stop.Token);
    }

    /// <summary>pppd's scripts report through a file; a second's poll keeps its news within the second the engine promises.</summary>
    private async Task WatchPppAsync(string stateFile, CancellationToken ct)
    {
        string? last = null;
        int? lastPid = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), _owner.Time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var pid = _process?.ProcessId;
            if (lastPid is not null && pid != lastPid)
            {
                // pppd exited (killed pppd runs no ip-down): the session is gone whatever the file says.
                Update(WanAddressMachine.PppGone);
                last = null;
            }
            lastPid = pid;
            var text = File.Exists(stateFile) ? await File.ReadAllTextAsync(stateFile, ct) : null;
            if (text is not null && text != last && PppEvent.TryParse(text, out var ev))
            {
                var now = _owner.Time.GetUtcNow();
                Update(current => WanAddressMachine.OnPpp(_wan, ev, current, now));
            }
            last = text;
        }
    }

    private WanAddressState Update(Func<WanAddressState, WanAddressState> change)
    {
        WanAddressState next;
        bool changed;
        lock (_lock)
        {
            next = change(_state);
            changed = next != _state;
            _state = next;
        }
        if (changed)
        {
            _owner.Changed(next);
            _owner.Publish();
        }
        return next;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        lock (_lock)
        {
            _expiry?.Dispose();
        }
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
        _stop.Dispose();
    }
}
