using Tmds.DBus.Protocol;

namespace Appliance.Engine.FirmwareSlots.DBus;

/// <summary>Writes and reads the messages of de.pengutronix.rauc.Installer (signatures from its introspection XML).</summary>
internal static class RaucMessages
{
    public const string Service = "de.pengutronix.rauc";
    public const string Path = "/";
    public const string Interface = "de.pengutronix.rauc.Installer";
    private const string Properties = "org.freedesktop.DBus.Properties";

    public static MessageBuffer Call(DBusConnection connection, string member, string? signature = null, params string[] args)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: Service, path: Path, @interface: Interface, member: member, signature: signature);
        foreach (var arg in args)
        {
            writer.WriteString(arg);
        }
        return writer.CreateMessage();
    }

    /// <summary>InstallBundle(s source, a{sv} args) with no arguments: RAUC picks the inactive slot itself.</summary>
    public static MessageBuffer InstallBundle(DBusConnection connection, string source)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: Service, path: Path, @interface: Interface, member: "InstallBundle", signature: "sa{sv}");
        writer.WriteString(source);
        writer.WriteDictionary(new Dictionary<string, VariantValue>());
        return writer.CreateMessage();
    }

    public static MessageBuffer GetAllProperties(DBusConnection connection)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: Service, path: Path, @interface: Properties, member: "GetAll", signature: "s");
        writer.WriteString(Interface);
        return writer.CreateMessage();
    }

    public static (string First, string Second) ReadTwoStrings(Message message, object? _)
    {
        var reader = message.GetBodyReader();
        return (reader.ReadString(), reader.ReadString());
    }

    public static string ReadString(Message message, object? _) => message.GetBodyReader().ReadString();

    public static Dictionary<string, VariantValue> ReadDictionary(Message message, object? _) =>
        message.GetBodyReader().ReadDictionaryOfStringToVariantValue();

    /// <summary>GetSlotStatus() → a(sa{sv}).</summary>
    public static List<RaucSlot> ReadSlots(Message message, object? _)
    {
        var reader = message.GetBodyReader();
        var slots = new List<RaucSlot>();
        var end = reader.ReadArrayStart(DBusType.Struct);
        while (reader.HasNext(end))
        {
            reader.AlignStruct();
            var name = reader.ReadString();
            var values = reader.ReadDictionaryOfStringToVariantValue();
            slots.Add(new RaucSlot(
                name,
                Text(values, "class"),
                Text(values, "bootname"),
                Text(values, "state"),
                Text(values, "boot-status"),
                Text(values, "device"),
                Text(values, "bundle.version"),
                Text(values, "bundle.compatible"),
                Text(values, "installed.timestamp"),
                Text(values, "status")));
        }
        return slots.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The Completed(i) signal: 0 is success.</summary>
    public static int ReadCompleted(Message message, object? _) => message.GetBodyReader().ReadInt32();

    /// <summary>PropertiesChanged(s interface, a{sv} changed, as invalidated), only the changed values.</summary>
    public static Dictionary<string, VariantValue> ReadPropertiesChanged(Message message, object? _)
    {
        var reader = message.GetBodyReader();
        reader.ReadString();
        return reader.ReadDictionaryOfStringToVariantValue();
    }

    public static string? Text(IReadOnlyDictionary<string, VariantValue> values, string key) =>
        values.TryGetValue(key, out var value) && value.Type == VariantValueType.String ? value.GetString() : null;

    /// <summary>Progress is (isi): percent, message, nesting depth.</summary>
    public static RaucProgress? Progress(IReadOnlyDictionary<string, VariantValue> values) =>
        values.TryGetValue("Progress", out var value) && value.Type == VariantValueType.Struct
            ? new RaucProgress(value.GetItem(0).GetInt32(), value.GetItem(1).GetString(), value.GetItem(2).GetInt32())
            : null;
}
