using System.Net.Http.Headers;
using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Data.Store.Security;
using Appliance.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>
    /// A bearer token of the given role, created in the app's own store by the appliance itself (as the console command
    /// would), so no user's role bounds it.
    /// </summary>
    public string CreateToken(UserRole role = UserRole.Admin, string? name = null, DateTimeOffset? expiresAt = null) =>
        Services.GetRequiredService<ApiTokenStore>()
            .CreateAsync(new NewApiToken(name ?? $"tests-{AppPolicies.RoleName(role)}-{Guid.NewGuid():N}"[..30], role, expiresAt), new ChangeContext(TokenCreators.System, "tests"))
            .GetAwaiter().GetResult().Token;

    /// <summary>A client that sends a bearer token of <paramref name="role"/>.</summary>
    public HttpClient CreateClient(UserRole role)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CreateToken(role));
        return client;
    }

    /// <summary>Settings a test adds (set before the first request).</summary>
    public Dictionary<string, string> Settings { get; } = [];

    /// <summary>Services a test replaces, e.g. the firmware installer (set before the first request).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Nor talk to the machine's system bus: no installer answers on this address.
        builder.UseSetting("Firmware:BusAddress", $"unix:path={Path.Combine(DataDirectory, "no-bus")}");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services => TestServices?.Invoke(services));
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
        // The API needs credentials: the tests speak as an admin unless they say otherwise.
        Client = Factory.CreateClient(UserRole.Admin);
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
