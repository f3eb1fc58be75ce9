using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Engine.Firmware;
using Appliance.Engine.Health;
using Appliance.Web.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests.Live;

/// <summary>The live hub seen from the .NET SignalR client: a snapshot a second, and events as they happen.</summary>
public sealed class StatusHubTests : ApiTest
{
    private HubConnection Connect(string? token, HttpTransportType transport = HttpTransportType.LongPolling) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(Factory.Server.BaseAddress, StatusHub.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => Factory.Server.CreateHandler();
                o.Transports = transport;
                if (token is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .Build();

    [Fact]
    public async Task A_client_gets_a_snapshot_at_once_and_then_one_a_second()
    {
        var snapshots = Channel.CreateUnbounded<(DateTime At, JsonElement Status)>();
        await using var connection = Connect(Factory.CreateToken(UserRole.Viewer));
        connection.On<JsonElement>(nameof(IStatusClient.Snapshot), s => snapshots.Writer.TryWrite((DateTime.UtcNow, s)));

        await connection.StartAsync(Ct);
        var received = new List<(DateTime At, JsonElement Status)>();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(6));
        while (received.Count < 4)
        {
            received.Add(await snapshots.Reader.ReadAsync(limit.Token));
        }

        Assert.All(received, r => Assert.True(r.Status.TryGetProperty("wans", out _)));
        // Each carries the time it was read, so a client can tell how old it is.
        Assert.All(received, r => Assert.InRange((r.At - r.Status.GetProperty("at").GetDateTimeOffset().UtcDateTime).TotalSeconds, -1, 5));
        // After the first (sent on connecting), they come about a second apart.
        var gaps = received.Skip(1).Zip(received.Skip(2), (a, b) => (b.At - a.At).TotalSeconds).ToList();
        Assert.All(gaps, g => Assert.InRange(g, 0.5, 2.0));
        var asked = await connection.InvokeAsync<JsonElement>(nameof(StatusHub.GetSnapshot), Ct);
        Assert.True(asked.TryGetProperty("running", out _));
    }

    [Fact]
    public async Task Link_state_changes_and_applies_arrive_as_events()
    {
        var changes = Channel.CreateUnbounded<JsonElement>();
        var applies = Channel.CreateUnbounded<JsonElement>();
        await using var connection = Connect(Factory.CreateToken(UserRole.Viewer), HttpTransportType.ServerSentEvents);
        connection.On<JsonElement>(nameof(IStatusClient.LinkStateChanged), e => changes.Writer.TryWrite(e));
        connection.On<JsonElement>(nameof(IStatusClient.ConfigApplied), e => applies.Writer.TryWrite(e));
        await connection.StartAsync(Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(10));

        // What the health monitor records when probes call a link down.
        await Factory.Services.GetRequiredService<HealthEventStore>().RecordAsync(
            new HealthEvent(DateTimeOffset.UtcNow, "dsl", LinkState.Up, LinkState.Down, "down: 3 rounds in a row without an answer"), Ct);
        var change = await changes.Reader.ReadAsync(limit.Token);
        Assert.Equal(("dsl", "down"), (change.GetProperty("wan").GetString(), change.GetProperty("to").GetString()));

        await Client.CreateWanAsync(Api.Wan("dsl", "eth1", gateway: "192.0.2.1"), Ct);
        (await Client.PostAsJsonAsync("/api/v1/config/apply", new { comment = "live" }, Ct)).EnsureSuccessStatusCode();
        var applied = await applies.Reader.ReadAsync(limit.Token);
        Assert.Equal(1, applied.GetProperty("revisionId").GetInt64());
    }

    [Fact]
    public async Task Firmware_steps_arrive_as_events_and_reach_the_ui_feed()
    {
        var steps = Channel.CreateUnbounded<JsonElement>();
        var fed = Channel.CreateUnbounded<LiveUpdate>();
        using var subscription = Factory.Services.GetRequiredService<LiveStatusFeed>().Subscribe(u => fed.Writer.TryWrite(u));
        await using var connection = Connect(Factory.CreateToken(UserRole.Viewer));
        connection.On<JsonElement>(nameof(IStatusClient.FirmwareProgress), e => steps.Writer.TryWrite(e));
        await connection.StartAsync(Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(10));

        Factory.Services.GetRequiredService<FirmwareProgressFeed>().Publish(new FirmwareProgress(DateTimeOffset.UtcNow, "installing", 40, "Copying image to rootfs.1"));

        var step = await steps.Reader.ReadAsync(limit.Token);
        Assert.Equal(("installing", 40), (step.GetProperty("operation").GetString(), step.GetProperty("percent").GetInt32()));
        FirmwareProgressUpdate? local = null;
        while (local is null)
        {
            local = await fed.Reader.ReadAsync(limit.Token) as FirmwareProgressUpdate;
        }
        Assert.Equal("Copying image to rootfs.1", local.Progress.Message);
    }

    [Fact]
    public async Task The_hub_refuses_a_client_without_a_valid_token()
    {
        foreach (var token in new[] { null, "apl_not-a-token" })
        {
            await using var connection = Connect(token);
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync(Ct));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }
}
