using System.Diagnostics;

namespace Appliance.Web.Tests.Image;

/// <summary>
/// The image's RAUC bootloader backend (image-build/rootfs/usr/lib/rauc/bootloader-custom.sh) on a scratch ESP:
/// which slot systemd-boot will start, and what marking good or bad does to the loader entries.
/// </summary>
public sealed class BootloaderBackendTests : IDisposable
{
    private readonly string _esp = Directory.CreateTempSubdirectory("appliance-esp-").FullName;
    private string Entries => Path.Combine(_esp, "loader", "entries");

    public BootloaderBackendTests()
    {
        Directory.CreateDirectory(Entries);
        File.WriteAllText(Path.Combine(Entries, "a.conf"), "title A\nsort-key appliance-1\n");
        File.WriteAllText(Path.Combine(Entries, "b.conf"), "title B\nsort-key appliance-2\n");
    }

    public void Dispose() => Directory.Delete(_esp, recursive: true);

    private static string Script()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "image-build", "rootfs", "usr", "lib", "rauc", "bootloader-custom.sh");
    }

    private (int ExitCode, string Output) Run(params string[] args)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Script());
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["APPLIANCE_ESP"] = _esp;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(10_000), "the backend did not finish within 10 s");
        return (process.ExitCode, output.Trim());
    }

    private string[] EntryFiles() => Directory.GetFiles(Entries).Select(Path.GetFileName).Order().ToArray()!;

    [Fact]
    public void The_factory_image_boots_slot_A_with_both_slots_good()
    {
        Assert.Equal((0, "A"), Run("get-primary"));
        Assert.Equal((0, "good"), Run("get-state", "A"));
        Assert.Equal((0, "good"), Run("get-state", "B"));
    }

    [Fact]
    public void An_installed_slot_becomes_primary_on_trial_and_marking_it_good_ends_the_trial()
    {
        Run("set-state", "B", "bad");
        Assert.Equal((0, "A"), Run("get-primary"));
        Run("set-primary", "B");
        Assert.Equal(["a.conf", "b+3.conf"], EntryFiles());
        Assert.Equal((0, "B"), Run("get-primary"));

        Run("set-state", "B", "good");
        Assert.Equal(["a.conf", "b.conf"], EntryFiles());
        Assert.Equal((0, "B"), Run("get-primary"));
    }

    [Fact]
    public void A_slot_that_used_up_its_tries_is_bad_and_the_other_slot_boots()
    {
        Run("set-primary", "B");
        Run("set-state", "B", "bad");
        Run("set-primary", "B");
        // What systemd-boot leaves after three boots that were never marked good.
        File.Move(Path.Combine(Entries, "b+3.conf"), Path.Combine(Entries, "b+0-3.conf"));

        Assert.Equal((0, "bad"), Run("get-state", "B"));
        Assert.Equal((0, "A"), Run("get-primary"));
    }

    [Theory]
    [InlineData("get-state", "C")]
    [InlineData("set-state", "../../etc")]
    [InlineData("frobnicate")]
    public void Unknown_slots_and_commands_are_refused_and_change_nothing(params string[] args)
    {
        Assert.NotEqual(0, Run(args).ExitCode);
        Assert.Equal(["a.conf", "b.conf"], EntryFiles());
    }
}
