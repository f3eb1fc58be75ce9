using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tmds.DBus.Protocol;

namespace Appliance.Engine.FirmwareSlots.DBus;

/// <summary>
/// RAUC over D-Bus. Calls go to the well-known name, so a restarted service is simply the next call's
/// target; a dropped bus connection is made again (<see cref="BusConnection"/>); an install watches the name's
/// owner so a service that dies mid-install fails the install instead of leaving it waiting.
/// </summary>
public sealed partial class RaucClient(BusConnection bus, IOptions<RaucOptions> options, TimeProvider time, ILogger<RaucClient> logger) : IRaucInstaller
{
    // RAUC 1.8 answers a refused bundle with this text only; the reason goes to its own log.
    internal const string UnverifiedBundle =
        "the bundle's signature does not verify: it was not signed by a key this appliance trusts, or it was changed after signing (corrupted)";

    public async Task<RaucStatus> GetStatusAsync(CancellationToken ct)
    {
        var properties = await CallAsync(RaucMessages.GetAllProperties, RaucMessages.ReadDictionary, ct);
        var slots = await CallAsync(c => RaucMessages.Call(c, "GetSlotStatus"), RaucMessages.ReadSlots, ct);
        string? primary;
        try
        {
            primary = await CallAsync(c => RaucMessages.Call(c, "GetPrimary"), RaucMessages.ReadString, ct);
        }
        catch (RaucException ex) when (ex is not RaucUnavailableException)
        {
            // Bootloaders that cannot say which slot is primary answer with an error; the rest of the status still holds.
            primary = null;
        }
        return new RaucStatus(
            RaucMessages.Text(properties, "Compatible") ?? "",
            RaucMessages.Text(properties, "BootSlot") ?? "",
            primary,
            RaucMessages.Text(properties, "Operation") ?? "",
            RaucMessages.Progress(properties) ?? new RaucProgress(0, "", 0),
            RaucMessages.Text(properties, "LastError") ?? "",
            slots);
    }

    public async Task<RaucBundleInfo> InfoAsync(string bundlePath, CancellationToken ct)
    {
        if (BundleLayout.Problem(bundlePath) is { } problem)
        {
            throw new RaucException(problem);
        }
        try
        {
            var (compatible, version) = await CallAsync(c => RaucMessages.Call(c, "Info", "s", bundlePath), RaucMessages.ReadTwoStrings, ct);
            return new RaucBundleInfo(compatible, version);
        }
        catch (RaucException ex) when (ex is not RaucUnavailableException && ex.Message.Contains("rauc info error", StringComparison.Ordinal))
        {
            throw new RaucException(UnverifiedBundle, ex);
        }
    }

    public async Task InstallAsync(string bundlePath, Action<RaucProgress> progress, CancellationToken ct)
    {
        var connection = await bus.GetAsync(ct);
        var completed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = await connection.WatchNameOwnerAsync(RaucMessages.Service);
        var owner = watcher.GetCurrentOwner() ?? throw new RaucUnavailableException("the firmware installer (RAUC) is not running");
        using var gone = watcher.GetOwnerChangedCancellationToken(owner).Register(() =>
            completed.TrySetException(new RaucException("the firmware installer (RAUC) stopped during the install")));
        using var steps = await connection.WatchPropertiesChangedAsync(RaucMessages.Service, RaucMessages.Path, RaucMessages.Interface,
            RaucMessages.ReadPropertiesChanged, (Notification<Dictionary<string, VariantValue>> changed) =>
            {
                if (changed.HasValue && RaucMessages.Progress(changed.Value) is { } step)
                {
                    progress(step);
                }
            }, ObserverFlags.None, false, null);
        using var done = await connection.WatchSignalAsync(RaucMessages.Service, RaucMessages.Path, RaucMessages.Interface, "Completed",
            RaucMessages.ReadCompleted, (Notification<int> result) =>
            {
                if (result.HasValue)
                {
                    completed.TrySetResult(result.Value);
                }
            }, ObserverFlags.None, false, null);

        await CallAsync(c => RaucMessages.InstallBundle(c, bundlePath), ct);
        using var timeout = new CancellationTokenSource(options.Value.InstallTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ct);
        int code;
        try
        {
            code = await completed.Task.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new RaucException($"the install did not finish within {options.Value.InstallTimeout}");
        }
        if (code != 0)
        {
            var status = await GetStatusAsync(ct);
            var reason = string.IsNullOrWhiteSpace(status.LastError) ? $"the installer reported failure {code}" : status.LastError;
            LogInstallFailed(logger, bundlePath, reason);
            throw new RaucException(reason);
        }
    }

    public Task<string> MarkAsync(string state, string slotIdentifier, CancellationToken ct) =>
        CallAsync(c => RaucMessages.Call(c, "Mark", "ss", state, slotIdentifier), RaucMessages.ReadTwoStrings, ct)
            .ContinueWith(t => t.GetAwaiter().GetResult().Second, ct, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private Task CallAsync(Func<DBusConnection, MessageBuffer> message, CancellationToken ct) =>
        CallAsync(message, static (_, _) => true, ct);

    private async Task<T> CallAsync<T>(Func<DBusConnection, MessageBuffer> message, MessageValueReader<T> reader, CancellationToken ct)
    {
        // One retry: the first call after the bus restarted finds the old connection closed.
        for (var attempt = 0; ; attempt++)
        {
            var connection = await bus.GetAsync(ct);
            try
            {
                return await connection.CallMethodAsync(message(connection), reader).WaitAsync(options.Value.CallTimeout, time, ct);
            }
            catch (TimeoutException ex)
            {
                throw new RaucUnavailableException($"the firmware installer (RAUC) did not answer within {options.Value.CallTimeout}", ex);
            }
            catch (DBusConnectionClosedException ex)
            {
                bus.Drop(connection);
                if (attempt > 0)
                {
                    throw new RaucUnavailableException("the D-Bus connection to the firmware installer closed", ex);
                }
            }
            catch (DBusErrorReplyException ex) when (ex.ErrorName is "org.freedesktop.DBus.Error.ServiceUnknown" or "org.freedesktop.DBus.Error.NameHasNoOwner")
            {
                throw new RaucUnavailableException("the firmware installer (RAUC) is not running", ex);
            }
            catch (DBusErrorReplyException ex)
            {
                throw new RaucException(ex.ErrorMessage, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Installing {Bundle} failed: {Reason}")]
    private static partial void LogInstallFailed(ILogger logger, string bundle, string reason);
}
