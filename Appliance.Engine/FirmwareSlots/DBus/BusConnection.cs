using Microsoft.Extensions.Options;
using Tmds.DBus.Protocol;

namespace Appliance.Engine.FirmwareSlots.DBus;

/// <summary>
/// The appliance's one connection to the configured bus, made on first use and made again after it
/// drops (dbus-daemon restarted, the socket closed), so callers never hold a dead connection.
/// </summary>
public sealed class BusConnection(IOptions<RaucOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DBusConnection? _connection;
    private bool _disposed;

    /// <summary>A connected connection; throws <see cref="RaucUnavailableException"/> when the bus cannot be reached.</summary>
    public async Task<DBusConnection> GetAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is { } current && !current.DisconnectedAsync().IsCompleted)
            {
                return current;
            }
            _connection?.Dispose();
            _connection = null;
            var address = options.Value.ResolveAddress();
            if (string.IsNullOrEmpty(address))
            {
                throw new RaucUnavailableException($"there is no D-Bus bus '{options.Value.BusAddress}' on this machine");
            }
            var connection = new DBusConnection(address);
            try
            {
                await connection.ConnectAsync();
            }
            catch (Exception ex) when (ex is DBusConnectFailedException or DBusConnectionException or IOException or System.Net.Sockets.SocketException)
            {
                connection.Dispose();
                throw new RaucUnavailableException($"the D-Bus bus '{options.Value.BusAddress}' cannot be reached: {ex.Message}", ex);
            }
            _connection = connection;
            return connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets a connection a call found closed, so the next call connects afresh.</summary>
    public void Drop(DBusConnection connection)
    {
        if (Interlocked.CompareExchange(ref _connection, null, connection) == connection)
        {
            connection.Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _connection?.Dispose();
        _gate.Dispose();
    }
}
