using System.Buffers.Binary;

namespace Appliance.Engine.FirmwareSlots;

/// <summary>
/// The outer layout of a RAUC bundle (a squashfs image, its CMS signature, then the signature's size as a
/// big-endian 64-bit number). RAUC's Info over D-Bus says only "rauc info error" when a bundle is refused, so
/// the shapes that need no cryptography to recognise (not a bundle, cut short) are named here in plain words.
/// </summary>
public static class BundleLayout
{
    private static ReadOnlySpan<byte> SquashfsMagic => "hsqs"u8;

    /// <summary>Why the file cannot be a complete bundle, or null when its layout is sound.</summary>
    public static string? Problem(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        // A squashfs superblock alone is 96 bytes; anything smaller is no bundle at all.
        if (file.Length < 96 + sizeof(ulong))
        {
            return "the file is not a firmware bundle (it is far too small)";
        }
        Span<byte> head = stackalloc byte[4];
        file.ReadExactly(head);
        if (!head.SequenceEqual(SquashfsMagic))
        {
            return "the file is not a firmware bundle (it does not start with a squashfs image)";
        }
        Span<byte> tail = stackalloc byte[sizeof(ulong)];
        file.Seek(-sizeof(ulong), SeekOrigin.End);
        file.ReadExactly(tail);
        var signatureSize = BinaryPrimitives.ReadUInt64BigEndian(tail);
        if (signatureSize == 0 || signatureSize > (ulong)(file.Length - sizeof(ulong) - 96))
        {
            return "the bundle is incomplete: its end, where the signature belongs, is missing (the file was truncated, e.g. an interrupted download)";
        }
        return null;
    }
}
