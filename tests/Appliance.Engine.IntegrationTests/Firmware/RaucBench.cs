using System.Diagnostics;
using System.Security.Cryptography;
using Appliance.Engine.FirmwareSlots;
using Appliance.Engine.FirmwareSlots.DBus;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.IntegrationTests.Firmware;

/// <summary>
/// The real `rauc service` on a private dbus-daemon, with two file-backed raw slots, a custom bootloader
/// backend that keeps its state in files, a keyring of a test CA, and a client on that bus. RAUC takes the
/// session bus when DBUS_STARTER_BUS_TYPE=session (r_service_run in its service.c), so the private daemon is
/// started as a session bus and its address handed over in DBUS_SESSION_BUS_ADDRESS.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class RaucBench : IAsyncDisposable
{
    public const string Compatible = "multiwan-appliance-x86_64";
    public const long SlotBytes = 4 * 1024 * 1024;

    private Process? _bus;
    private Process? _service;

    private RaucBench(string dir) => Dir = dir;

    public string Dir { get; }
    public string Address { get; private set; } = "";
    public RaucKeys Keys { get; private set; } = null!;
    public string SlotA => Path.Combine(Dir, "slot-a.img");
    public string SlotB => Path.Combine(Dir, "slot-b.img");
    public BusConnection Bus { get; private set; } = null!;
    public RaucClient Client { get; private set; } = null!;

    public static async Task<RaucBench> StartAsync(CancellationToken ct)
    {
        foreach (var tool in new[] { "rauc", "dbus-daemon", "openssl", "mksquashfs" })
        {
            if (!File.Exists($"/usr/bin/{tool}"))
            {
                throw new InvalidOperationException($"{tool} is missing: scripts/test.sh installs rauc, rauc-service, dbus, openssl and squashfs-tools");
            }
        }
        var bench = new RaucBench(Directory.CreateTempSubdirectory("rauc-bench-").FullName);
        try
        {
            await bench.SetUpAsync(ct);
            return bench;
        }
        catch
        {
            await bench.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync(CancellationToken ct)
    {
        Keys = await RaucKeys.CreateAsync(Dir, "product", ct);
        await using (var a = File.Create(SlotA)) { a.SetLength(SlotBytes); }
        await using (var b = File.Create(SlotB)) { b.SetLength(SlotBytes); }
        Directory.CreateDirectory(Path.Combine(Dir, "data"));
        Directory.CreateDirectory(Path.Combine(Dir, "mnt"));
        var backend = Path.Combine(Dir, "bootloader.sh");
        await File.WriteAllTextAsync(backend, """
            #!/bin/sh
            # Custom bootloader backend: primary and per-slot good/bad in files next to this script.
            set -eu
            s="$(dirname "$0")/boot"
            [ -f "$s.primary" ] || echo A > "$s.primary"
            case "$1" in
              get-primary) cat "$s.primary" ;;
              set-primary) echo "$2" > "$s.primary"; echo good > "$s.$2" ;;
              get-state) if [ -f "$s.$2" ]; then cat "$s.$2"; else echo good; fi ;;
              set-state) echo "$3" > "$s.$2" ;;
              get-current) echo A ;;
              *) exit 1 ;;
            esac
            """.Replace("\r", ""), ct);
        File.SetUnixFileMode(backend, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(Path.Combine(Dir, "system.conf"), $"""
            [system]
            compatible={Compatible}
            bootloader=custom
            bundle-formats=plain
            data-directory={Dir}/data

            [handlers]
            bootloader-custom-backend={backend}

            [keyring]
            path={Keys.CaCert}

            [slot.rootfs.0]
            device={SlotA}
            type=raw
            bootname=A

            [slot.rootfs.1]
            device={SlotB}
            type=raw
            bootname=B
            """, ct);
        await File.WriteAllTextAsync(Path.Combine(Dir, "bus.conf"), $"""
            <busconfig>
              <type>session</type>
              <listen>unix:path={Dir}/bus.sock</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow send_destination="*" eavesdrop="true"/>
                <allow eavesdrop="true"/>
                <allow own="*"/>
              </policy>
            </busconfig>
            """, ct);
        _bus = TestProcess.Start("dbus-daemon", ["--config-file", Path.Combine(Dir, "bus.conf"), "--print-address", "--nofork"]);
        using var addressTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        addressTimeout.CancelAfter(TimeSpan.FromSeconds(10));
        var line = await _bus.StandardOutput.ReadLineAsync(addressTimeout.Token) ?? throw new InvalidOperationException("dbus-daemon printed no address");
        Address = line.Split(',')[0];
        Bus = new BusConnection(Options.Create(new RaucOptions { BusAddress = Address }));
        Client = new RaucClient(Bus, Options.Create(new RaucOptions { BusAddress = Address, InstallTimeout = TimeSpan.FromMinutes(2) }),
            TimeProvider.System, NullLogger<RaucClient>.Instance);
        await StartServiceAsync(ct);
    }

    /// <summary>Starts `rauc service` on the private bus and waits (bounded) until it answers.</summary>
    public async Task StartServiceAsync(CancellationToken ct)
    {
        _service = TestProcess.Start("rauc", ["--conf", Path.Combine(Dir, "system.conf"), "--mount", Path.Combine(Dir, "mnt"), "service", "--override-boot-slot=A"],
            new Dictionary<string, string> { ["DBUS_STARTER_BUS_TYPE"] = "session", ["DBUS_SESSION_BUS_ADDRESS"] = Address });
        // Its log is read so a full pipe never blocks it; the last lines explain a failure.
        _ = DrainAsync(_service);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                await Client.GetStatusAsync(ct);
                return;
            }
            catch (RaucUnavailableException ex)
            {
                if (DateTime.UtcNow > deadline || _service.HasExited)
                {
                    throw new InvalidOperationException($"rauc service did not come up: {ex.Message}\n{ServiceLog}", ex);
                }
                await Task.Delay(100, ct);
            }
        }
    }

    public async Task StopServiceAsync()
    {
        if (_service is not null)
        {
            await TestProcess.StopAsync(_service);
            _service.Dispose();
            _service = null;
        }
    }

    public string ServiceLog => _log.ToString();
    private readonly System.Text.StringBuilder _log = new();

    private async Task DrainAsync(Process process)
    {
        var outTask = Pump(process.StandardOutput);
        var errTask = Pump(process.StandardError);
        await Task.WhenAll(outTask, errTask);
    }

    private async Task Pump(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    /// <summary>A squashfs image of a few files, different per <paramref name="marker"/>.</summary>
    public async Task<string> MakeImageAsync(string marker, CancellationToken ct)
    {
        var tree = Directory.CreateDirectory(Path.Combine(Dir, $"tree-{marker}")).FullName;
        await File.WriteAllTextAsync(Path.Combine(tree, "os-release"), $"VERSION_ID={marker}\n", ct);
        await File.WriteAllBytesAsync(Path.Combine(tree, "payload.bin"), RandomNumberGenerator.GetBytes(256 * 1024), ct);
        var image = Path.Combine(Dir, $"rootfs-{marker}.img");
        await TestProcess.RunAsync("mksquashfs", [tree, image, "-quiet", "-noappend", "-no-progress"], ct);
        return image;
    }

    /// <summary>Builds a plain-format bundle with `rauc bundle`, signed by <paramref name="keys"/> (the product's by default).</summary>
    public async Task<string> MakeBundleAsync(string name, string image, CancellationToken ct, string compatible = Compatible, string version = "2.0.0", RaucKeys? keys = null)
    {
        keys ??= Keys;
        var content = Directory.CreateDirectory(Path.Combine(Dir, $"content-{name}")).FullName;
        File.Copy(image, Path.Combine(content, "rootfs.img"), overwrite: true);
        await File.WriteAllTextAsync(Path.Combine(content, "manifest.raucm"), $"""
            [update]
            compatible={compatible}
            version={version}

            [bundle]
            format=plain

            [image.rootfs]
            filename=rootfs.img
            """, ct);
        var bundle = Path.Combine(Dir, $"{name}.raucb");
        File.Delete(bundle);
        await TestProcess.RunAsync("rauc", ["bundle", $"--cert={keys.SignCert}", $"--key={keys.SignKey}", content, bundle], ct);
        return bundle;
    }

    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file));
    }

    public async ValueTask DisposeAsync()
    {
        await StopServiceAsync();
        if (_bus is not null)
        {
            await TestProcess.StopAsync(_bus);
            _bus.Dispose();
        }
        Bus?.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}
