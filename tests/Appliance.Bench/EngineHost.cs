using Appliance.Data;
using Appliance.Engine;
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
}
