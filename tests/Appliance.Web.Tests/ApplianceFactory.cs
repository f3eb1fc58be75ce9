using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Appliance.Web.Tests;

/// <summary>
/// Hosts the whole appliance in memory on a real SQLite file in a fresh temporary directory,
/// with the engine disabled so nothing touches the kernel. The directory is deleted on dispose.
/// </summary>
public sealed class ApplianceFactory : WebApplicationFactory<Program>
{
    private int _deleted;

    public string DataDirectory { get; } =
        Path.Combine(Path.GetTempPath(), "appliance-web-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Appliance:DataDirectory", DataDirectory);
        // The API tests must never run nft/ip on the machine that runs them.
        builder.UseSetting("Appliance:Engine:Enabled", "false");
        // Forty hosts starting and stopping: keep the output to what may explain a failure.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        DeleteDataDirectory();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            DeleteDataDirectory();
        }
    }

    private void DeleteDataDirectory()
    {
        if (Interlocked.Exchange(ref _deleted, 1) == 0 && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}

/// <summary>Base of the API tests: every test gets its own app and database.</summary>
public abstract class ApiTest : IAsyncDisposable
{
    protected ApiTest()
    {
        Factory = new ApplianceFactory();
        Client = Factory.CreateClient();
    }

    protected ApplianceFactory Factory { get; }

    protected HttpClient Client { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
