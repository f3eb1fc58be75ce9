using Appliance.Lab;
using Appliance.Testing;

// Builds an emulated site in network namespaces, runs the real appliance against it and drives traffic until Ctrl-C.
var options = LabOptions.Parse(args);
if (options.ShowHelp)
{
    Console.WriteLine(LabOptions.Usage);
    return 0;
}
if (!Posix.IsRoot)
{
    Console.Error.WriteLine("The lab needs root: it creates network namespaces and veth links (ip netns), loads nftables rules and shapes links with tc.");
    Console.Error.WriteLine("Run it as root, e.g.: sudo bash scripts/run.sh");
    return 1;
}
return await LabSession.RunAsync(options);
