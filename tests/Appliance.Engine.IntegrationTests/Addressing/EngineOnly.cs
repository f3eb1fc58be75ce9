using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Engine.IntegrationTests.Addressing;

/// <summary>
/// The production engine (every service <c>AddApplianceEngine</c> registers) without the data layer or the web front,
/// driving one lab namespace with a configuration the test sets directly.
/// </summary>
public sealed class EngineOnly : IAsyncDisposable
{
    private readonly IHost _host;

    private EngineOnly(IHost host, FixedConfig config)
    {
        _host = host;
        Config = config;
    }

    public FixedConfig Config { get; }

    public EngineReconciler Reconciler => _host.Services.GetRequiredService<EngineReconciler>();
    public IWanAddressSource Addresses => _host.Services.GetRequiredService<IWanAddressSource>();
    public IWanAddressControl Control => _host.Services.GetRequiredService<IWanAddressControl>();
    public Appliance.Engine.Kernel.KernelApplier Applier => _host.Services.GetRequiredService<Appliance.Engine.Kernel.KernelApplier>();

    public static async Task<EngineOnly> StartAsync(string ns, string runtimeDirectory, ApplianceConfig config, ITestOutputHelper? output = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Appliance:Engine:NetworkNamespace"] = ns,
            ["Appliance:Engine:LinkPollMilliseconds"] = "200",
            ["Appliance:Engine:RuntimeDirectory"] = runtimeDirectory,
            ["Appliance:Engine:Bonding:CertificatePath"] = Path.Combine(runtimeDirectory, "hub-tls.pfx"),
        });
        builder.Logging.ClearProviders();
        if (output is not null)
        {
            builder.Logging.AddProvider(new OutputLogger(output));
        }
        var fixedConfig = new FixedConfig(new ConfigSnapshot(1, config, DateTimeOffset.UtcNow));
        builder.Services.AddSingleton<IRunningConfigSource>(fixedConfig);
        builder.Services.AddSingleton<Appliance.Engine.Bonding.IEdgeDirectory, NoEdges>();
        builder.Services.AddApplianceEngine(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new EngineOnly(host, fixedConfig);
    }

    /// <summary>Polls (bounded) until the engine's last applied state satisfies <paramref name="condition"/>.</summary>
    public async Task<Planning.DesiredState> WaitForAppliedAsync(Func<Planning.DesiredState, bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (Applier.LastGood is { } state && condition(state))
            {
                return state;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"the engine did not apply the expected state within {limit}; last: {Applier.LastGood?.DescribeRouting()}");
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>A running configuration the test replaces at will.</summary>
    public sealed class FixedConfig(ConfigSnapshot initial) : IRunningConfigSource
    {
        private readonly ListenerSet<ConfigSnapshot> _listeners = new();
        private ConfigSnapshot _current = initial;

        public Task Ready => Task.CompletedTask;
        public ConfigSnapshot Current => Volatile.Read(ref _current);

        public IDisposable Subscribe(Action<ConfigSnapshot> onChanged) => _listeners.Add(onChanged);

        public void Publish(ApplianceConfig config)
        {
            var next = new ConfigSnapshot(Current.RevisionId + 1, config, DateTimeOffset.UtcNow);
            Volatile.Write(ref _current, next);
            _listeners.Notify(next, _ => { });
        }

        public Task MarkFailedAsync(long revisionId, string reason, CancellationToken ct = default) => Task.CompletedTask;
    }

    /// <summary>An edge has no hub register.</summary>
    private sealed class NoEdges : Appliance.Engine.Bonding.IEdgeDirectory
    {
        public ValueTask<Appliance.Engine.Bonding.EdgeCredential?> FindAsync(string edgeId, CancellationToken ct = default) => ValueTask.FromResult<Appliance.Engine.Bonding.EdgeCredential?>(null);
        public IDisposable Subscribe(Action<string> changed) => new ListenerSet<string>().Add(changed);
    }

    /// <summary>Engine logs in the test's output, for a failure's story.</summary>
    private sealed class OutputLogger(ITestOutputHelper output) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
            }
            catch (InvalidOperationException)
            {
                // The test has ended.
            }
        }

        public void Dispose()
        {
        }
    }
}
