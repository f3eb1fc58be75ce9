using Tmds.DBus.Protocol;

namespace Appliance.Engine.FirmwareSlots.DBus;

/// <summary>org.freedesktop.login1.Manager.Reboot(false): no interactive authorization, the image's polkit rule allows it.</summary>
public sealed class SystemdLogin(BusConnection bus) : ISystemReboot
{
    public async Task RebootAsync(CancellationToken ct)
    {
        var connection = await bus.GetAsync(ct);
        MessageBuffer Reboot()
        {
            using var writer = connection.GetMessageWriter();
            writer.WriteMethodCallHeader(destination: "org.freedesktop.login1", path: "/org/freedesktop/login1",
                @interface: "org.freedesktop.login1.Manager", member: "Reboot", signature: "b");
            writer.WriteBool(false);
            return writer.CreateMessage();
        }
        try
        {
            await connection.CallMethodAsync(Reboot()).WaitAsync(ct);
        }
        catch (DBusErrorReplyException ex)
        {
            throw new RaucException($"the reboot was refused: {ex.ErrorMessage}", ex);
        }
        catch (DBusConnectionClosedException ex)
        {
            bus.Drop(connection);
            throw new RaucUnavailableException("the D-Bus connection closed before the reboot was accepted", ex);
        }
    }
}
