using Appliance.Data;
using Appliance.Data.Store;
using Appliance.Engine;
using Appliance.Engine.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Bench;

/// <summary>The appliance without its web front: the production data and engine registrations, driving one lab namespace.</summary>
public static class EngineHost
{
    public static IHost Build(string ns, string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Appliance:Engine:NetworkNamespace"] = ns,
            ["Appliance:Engine:Bonding:CertificatePath"] = Path.Combine(dataDirectory, "hub-tls.pfx"),
            // The daemons' rendered files (udhcpc's script) beside the data, not in the host's /run/appliance.
            ["Appliance:Engine:RuntimeDirectory"] = Path.Combine(dataDirectory, "run"),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddApplianceData(dataDirectory);
        builder.Services.AddApplianceEngine(builder.Configuration);
        return builder.Build();
    }

    /// <summary>
    /// Starts the engine on <paramref name="ns"/> with a fresh data directory, applies <paramref name="config"/> as a
    /// revision, runs <paramref name="body"/> with the host's services, then stops the host and removes the data.
    /// </summary>
    public static async Task<T> RunAsync<T>(string ns, ApplianceConfig config, string comment, Func<IServiceProvider, Task<T>> body, CancellationToken ct)
    {
        var data = Directory.CreateTempSubdirectory("appliance-bench-");
        try
        {
            using var host = Build(ns, data.FullName);
            await host.StartAsync(ct);
            try
            {
                await host.Services.GetRequiredService<IConfigStore>().ImportAsync(config, ChangeContext.System, ct);
                await host.Services.GetRequiredService<IRevisionLog>().ApplyAsync(comment, 0, ChangeContext.System, ct);
                return await body(host.Services);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
