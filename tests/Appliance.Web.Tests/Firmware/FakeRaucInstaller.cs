using Appliance.Engine.FirmwareSlots;

namespace Appliance.Web.Tests.Firmware;

/// <summary>An installer that answers as RAUC would, without a bus; an install waits for the test to finish it.</summary>
internal sealed class FakeRaucInstaller : IRaucInstaller
{
    public string Compatible { get; set; } = "multiwan-appliance-x86_64";

    /// <summary>What Info finds; a refusal makes Info throw with its text.</summary>
    public RaucBundleInfo Info { get; set; } = new("multiwan-appliance-x86_64", "2.0.0");

    public string? Refusal { get; set; }

    public bool Available { get; set; } = true;

    public List<string> Marked { get; } = [];

    /// <summary>Bundles whose install began; the service starts installs on a worker, so this is filled from another thread.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Installed { get; } = new();

    /// <summary>Completes when an install begins, so a test can wait for the worker instead of racing it.</summary>
    public TaskCompletionSource<string> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes the running install: null succeeds, a text fails it.</summary>
    public TaskCompletionSource<string?> InstallResult { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Action<RaucProgress>? Progress { get; private set; }

    public Task<RaucStatus> GetStatusAsync(CancellationToken ct) => Available
        ? Task.FromResult(new RaucStatus(Compatible, "A", "rootfs.0", "idle", new RaucProgress(0, "", 0), "",
        [
            new RaucSlot("rootfs.0", "rootfs", "A", "booted", "good", "/dev/vda2", "1.0.0", Compatible, "2026-11-01T10:00:00Z", "ok"),
            new RaucSlot("rootfs.1", "rootfs", "B", "inactive", "bad", "/dev/vda3", null, null, null, null),
        ]))
        : Task.FromException<RaucStatus>(new RaucUnavailableException("the firmware installer (RAUC) is not running"));

    public Task<RaucBundleInfo> InfoAsync(string bundlePath, CancellationToken ct) =>
        Refusal is null ? Task.FromResult(Info) : Task.FromException<RaucBundleInfo>(new RaucException(Refusal));

    public async Task InstallAsync(string bundlePath, Action<RaucProgress> progress, CancellationToken ct)
    {
        Installed.Enqueue(bundlePath);
        Progress = progress;
        progress(new RaucProgress(0, "Installing", 1));
        Started.TrySetResult(bundlePath);
        var error = await InstallResult.Task;
        InstallResult = new(TaskCreationOptions.RunContinuationsAsynchronously);
        if (error is not null)
        {
            throw new RaucException(error);
        }
        progress(new RaucProgress(100, "Installing done.", 1));
    }

    public Task<string> MarkAsync(string state, string slotIdentifier, CancellationToken ct)
    {
        Marked.Add($"{state} {slotIdentifier}");
        return Task.FromResult($"marked slot rootfs.0 as {state}");
    }
}
