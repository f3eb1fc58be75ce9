using Appliance.Data.Store.Security;

namespace Appliance.Web.Security;

/// <summary>
/// Writes the counts of failed sign-ins still held in memory when the host stops, while the database can still be
/// reached (disposal of the services comes too late for that).
/// </summary>
internal sealed class FailedSignInFlush(AccountStore accounts) : IHostedService
{
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken ct)
    {
        try
        {
            await accounts.FlushFailuresAsync(ct);
        }
        catch (ObjectDisposedException)
        {
            // Stopped a second time, after the services were disposed: the first stop wrote the counts.
        }
    }
}
