using Appliance.Web.Security;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests.Security;

/// <summary>The UI's circuits get the provider that re-checks their user, and the guard their handlers use.</summary>
public sealed class CircuitSessionTests : ApiTest
{
    [Fact]
    public void A_circuit_gets_the_revalidating_provider_and_the_guard()
    {
        using var scope = Factory.Services.CreateScope();

        Assert.IsType<CircuitAuthenticationStateProvider>(scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<CurrentUserGuard>());
    }
}
