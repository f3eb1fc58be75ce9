using System.Net;
using Appliance.Engine.Configuration;

namespace Appliance.Web.Tests;

public sealed class ErrorHandlingTests : ApiTest
{
    [Fact]
    public async Task Unknown_json_field_gives_400_problem_details_naming_the_field()
    {
        using var response = await Client.PostAsync("/api/v1/wans", Api.RawJson("""{"name":"fiber","interface":"eth1","colour":"blue"}"""), Ct);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, Ct);
        var errors = problem.Errors();
        var key = Assert.Single(errors.Keys);
        Assert.Equal("colour", key);
        Assert.Contains("colour", errors[key][0], StringComparison.Ordinal);
        Assert.Empty(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));
    }

    [Fact]
    public async Task Unknown_nested_json_field_is_named_by_its_path()
    {
        using var response = await Client.PostAsync("/api/v1/wans", Api.RawJson("""{"name":"fiber","interface":"eth1","probes":{"targetz":[]}}"""), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(["probes.targetz"], errors.Keys);
    }

    [Fact]
    public async Task Enum_with_a_bad_value_gives_400_listing_the_allowed_values()
    {
        using var response = await Client.PostAsync("/api/v1/wans", Api.RawJson("""{"name":"fiber","interface":"eth1","mode":"turbo"}"""), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        var message = Assert.Single(errors["mode"]);
        Assert.All(["balance", "bond", "backup"], value => Assert.Contains(value, message, StringComparison.Ordinal));
        Assert.DoesNotContain("Appliance.", message, StringComparison.Ordinal);
        Assert.Empty(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));
    }

    [Fact]
    public async Task Kebab_case_enum_values_are_accepted_and_listed()
    {
        using var bad = await Client.PostAsync("/api/v1/rules", Api.RawJson("""{"sticky":"always"}"""), Ct);
        var message = Assert.Single((await bad.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors()["sticky"]);
        Assert.Contains("source-destination", message, StringComparison.Ordinal);

        using var good = await Client.PostAsync("/api/v1/rules", Api.RawJson("""{"sticky":"source-destination"}"""), Ct);
        await good.ExpectAsync(HttpStatusCode.Created, Ct);
        Assert.Contains("\"sticky\":\"source-destination\"", await good.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Number_sent_as_a_string_is_refused_rather_than_guessed()
    {
        using var response = await Client.PostAsync("/api/v1/wans", Api.RawJson("""{"name":"fiber","interface":"eth1","weight":"3"}"""), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Contains("whole number", Assert.Single(errors["weight"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_gives_400_problem_details()
    {
        using var response = await Client.PostAsync("/api/v1/wans", Api.RawJson("""{"name":"fiber","""), Ct);

        await response.ProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Empty(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));
    }

    [Fact]
    public async Task Oversized_body_gives_413_problem_details()
    {
        // Valid JSON, just too big: one string of 1 MiB plus the rest of the document.
        var json = "{\"name\":\"fiber\",\"interface\":\"eth1\",\"gateway\":\"" + new string('a', 1024 * 1024) + "\"}";
        using var content = Api.RawJson(json);
        Assert.True(content.Headers.ContentLength > 1024 * 1024);

        using var response = await Client.PostAsync("/api/v1/wans", content, Ct);

        var problem = await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, Ct);
        Assert.Contains("1048576", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));
    }

    [Fact]
    public async Task Body_just_under_the_limit_is_read_and_validated()
    {
        // Under 1 MiB the body reaches validation, which then names the field.
        var json = "{\"name\":\"fiber\",\"interface\":\"eth1\",\"gateway\":\"" + new string('a', 1000 * 1000) + "\"}";

        using var response = await Client.PostAsync("/api/v1/wans", Api.RawJson(json), Ct);

        Assert.Equal(["gateway"], (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors().Keys);
    }

    [Fact]
    public async Task Missing_items_give_404_problem_details()
    {
        using var wan = await Client.GetAsync("/api/v1/wans/ghost", Ct);
        await wan.ProblemAsync(HttpStatusCode.NotFound, Ct);
        using var rule = await Client.GetAsync("/api/v1/rules/12345", Ct);
        await rule.ProblemAsync(HttpStatusCode.NotFound, Ct);
        using var revision = await Client.GetAsync("/api/v1/config/revisions/12345", Ct);
        await revision.ProblemAsync(HttpStatusCode.NotFound, Ct);
    }
}
