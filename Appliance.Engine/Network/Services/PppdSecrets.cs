using System.Globalization;

namespace Appliance.Engine.Network.Services;

/// <summary>
/// A line of pppd's chap-secrets / pap-secrets files: <c>client server secret addresses</c>, with any server and
/// address allowed. The appliance's own pppd takes its password from its options file (<see cref="PppdOptions"/>);
/// this is for the other end, such as a test ISP's <c>pppoe-server</c>.
/// </summary>
public static class PppdSecrets
{
    public static string Render(string username, string password) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{PppWord.Quote(username, "pppoe username")} * {PppWord.Quote(password, "pppoe password", secret: true)} *\n");
}
