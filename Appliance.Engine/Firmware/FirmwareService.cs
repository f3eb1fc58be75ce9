using Appliance.Engine.FirmwareSlots;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Firmware;

/// <summary>
/// Upload → check → install → reboot, one at a time. An upload is streamed to a file under the staging directory
/// (never held in memory), checked with RAUC's Info (signature, compatible, version) and kept only if installable;
/// every step goes to <see cref="FirmwareProgressFeed"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its SemaphoreSlim is used only as an async lock (WaitAsync/Release); without a wait handle it holds nothing to free.")]
public sealed partial class FirmwareService(
    IRaucInstaller installer,
    ISystemReboot reboot,
    FirmwareProgressFeed feed,
    IOptions<RaucOptions> options,
    TimeProvider time,
    ILogger<FirmwareService> logger)
{
    private const string StagedName = "staged.raucb";
    private readonly SemaphoreSlim _busy = new(1, 1);

    /// <summary>The bundle waiting to be installed, if its check passed.</summary>
    public FirmwareCheck? Staged { get; private set; }

    public long MaxBundleBytes => options.Value.MaxBundleBytes;

    public bool Busy => _busy.CurrentCount == 0;

    private string StagingDirectory => Path.GetFullPath(options.Value.StagingDirectory);

    /// <summary>Streams <paramref name="body"/> to disk and checks it; a refused bundle is deleted and reported, not thrown.</summary>
    /// <param name="fileName">Shown to the admin only; never part of a path.</param>
    /// <param name="declaredBytes">The size the client announced, for progress; null when unknown.</param>
    /// <exception cref="FirmwareBusyException">Another upload or install runs.</exception>
    /// <exception cref="BundleTooLargeException">More than <see cref="MaxBundleBytes"/> arrived.</exception>
    public async Task<FirmwareCheck> UploadAsync(Stream body, string? fileName, long? declaredBytes, CancellationToken ct)
    {
        if (declaredBytes > MaxBundleBytes)
        {
            throw new BundleTooLargeException(MaxBundleBytes);
        }
        if (!await _busy.WaitAsync(0, ct))
        {
            throw new FirmwareBusyException("a firmware upload or install is already under way");
        }
        var name = DisplayName(fileName);
        var partial = Path.Combine(StagingDirectory, "upload.partial");
        var staged = Path.Combine(StagingDirectory, StagedName);
        try
        {
            Directory.CreateDirectory(StagingDirectory);
            Staged = null;
            File.Delete(staged);
            long written;
            try
            {
                written = await CopyAsync(body, partial, declaredBytes, ct);
            }
            catch
            {
                File.Delete(partial);
                Publish("failed", 0, $"Upload of {name} failed", "the upload did not complete");
                throw;
            }
            Publish("checking", 0, $"Checking {name}");
            var check = await CheckAsync(partial, name, written, ct);
            if (check.Installable)
            {
                File.Move(partial, staged, overwrite: true);
                Staged = check;
                Publish("checking", 100, $"{name}: version {check.Version} for {check.Compatible}, ready to install");
            }
            else
            {
                File.Delete(partial);
                Publish("failed", 0, $"{name} was refused", check.Refusal);
            }
            return check;
        }
        finally
        {
            _busy.Release();
        }
    }

    /// <summary>Starts installing the staged bundle; returns once RAUC accepted it is under way, progress follows on the feed.</summary>
    public Task<Task> StartInstallAsync(CancellationToken ct)
    {
        if (!_busy.Wait(0, ct))
        {
            throw new FirmwareBusyException("a firmware upload or install is already under way");
        }
        var check = Staged;
        if (check is null)
        {
            _busy.Release();
            throw new FirmwareStateException("there is no checked bundle to install: upload one first");
        }
        var path = Path.Combine(StagingDirectory, StagedName);
        Publish("installing", 0, $"Installing version {check.Version}");
        // The install outlives the request that started it; the app's stopping token is not needed because RAUC finishes on its own.
        var running = Task.Run(() => InstallAsync(path, check), CancellationToken.None);
        return Task.FromResult(running);
    }

    private async Task InstallAsync(string path, FirmwareCheck check)
    {
        try
        {
            await installer.InstallAsync(path, step => Publish("installing", step.Percent, step.Message), CancellationToken.None);
            Publish("installed", 100, $"Version {check.Version} installed; reboot to start it");
            LogInstalled(logger, check.Version ?? "");
        }
        catch (RaucException ex)
        {
            Publish("failed", 0, $"Installing version {check.Version} failed", ex.Message);
            LogInstallFailed(logger, ex.Message);
        }
        finally
        {
            Staged = null;
            File.Delete(path);
            _busy.Release();
        }
    }

    public async Task RebootAsync(CancellationToken ct)
    {
        if (Busy)
        {
            throw new FirmwareBusyException("a firmware upload or install is under way; reboot when it has finished");
        }
        Publish("rebooting", 0, "Rebooting");
        await reboot.RebootAsync(ct);
    }

    private async Task<FirmwareCheck> CheckAsync(string path, string name, long bytes, CancellationToken ct)
    {
        RaucBundleInfo info;
        try
        {
            info = await installer.InfoAsync(path, ct);
        }
        catch (RaucException ex) when (ex is not RaucUnavailableException)
        {
            return new FirmwareCheck(name, bytes, null, null, ex.Message);
        }
        var status = await installer.GetStatusAsync(ct);
        return info.Compatible == status.Compatible
            ? new FirmwareCheck(name, bytes, info.Compatible, info.Version, null)
            : new FirmwareCheck(name, bytes, info.Compatible, info.Version,
                $"the bundle is for '{info.Compatible}', but this appliance is '{status.Compatible}'");
    }

    private async Task<long> CopyAsync(Stream body, string path, long? declaredBytes, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        var buffer = new byte[81920];
        long written = 0;
        var lastPercent = -1;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            written += read;
            if (written > MaxBundleBytes)
            {
                throw new BundleTooLargeException(MaxBundleBytes);
            }
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
            var percent = declaredBytes > 0 ? (int)Math.Min(100, written * 100 / declaredBytes.Value) : 0;
            if (percent != lastPercent)
            {
                lastPercent = percent;
                Publish("uploading", percent, $"Uploading: {written / 1024} KiB");
            }
        }
        return written;
    }

    private void Publish(string operation, int percent, string message, string? error = null) =>
        feed.Publish(new FirmwareProgress(time.GetUtcNow(), operation, percent, message, error));

    /// <summary>A file name fit to show: its last segment, printable, at most 100 characters.</summary>
    internal static string DisplayName(string? fileName)
    {
        var last = Path.GetFileName(fileName ?? "").Trim();
        var clean = new string(last.Where(c => !char.IsControl(c)).Take(100).ToArray());
        return clean.Length == 0 ? "bundle" : clean;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Firmware version {Version} installed into the other slot")]
    private static partial void LogInstalled(ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firmware install failed: {Reason}")]
    private static partial void LogInstallFailed(ILogger logger, string reason);
}
