namespace Appliance.Engine.Network;

/// <summary>Files the engine renders for its daemons, in its runtime directory.</summary>
internal static class RuntimeFile
{
    public const UnixFileMode Script = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    public const UnixFileMode OwnerScript = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    /// <summary>For pppd's own unit in the image (root, in the engine's group): scripts it runs, options it reads, a directory it writes.</summary>
    public const UnixFileMode GroupScript = OwnerScript | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
    public const UnixFileMode GroupSecret = Secret | UnixFileMode.GroupRead;
    public const UnixFileMode GroupDirectory = OwnerScript | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;
    public const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// Written beside and renamed over: a daemon never reads half a file, and the mode is in place before the content
    /// lands (a secret is never readable by others, not even for a moment).
    /// </summary>
    public static void Write(string path, string text, UnixFileMode mode)
    {
        var temporary = path + ".new";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
