using System.Net;
using SalesforceAuth.Errors;
using SalesforceAuth.Internal;
using SalesforceAuth.Tests.TestSupport;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Endpoint;
using static SalesforceAuth.Tests.TestSupport.TokenEndpointFixture;

namespace SalesforceAuth.Tests;

/// <summary>Inputs the reliability category's hostile-input run found escaping as untyped exceptions (or untyped refusals); each is pinned here.</summary>
public sealed class HostileInputRegressionTests : IDisposable
{
    private readonly TokenEndpointFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Theory]
    [InlineData("https://xn--salesfrce-q\u2FBEa.com/")]
    [InlineData("https://\u2024salesforce.com/")]
    public void GetProblem_HostWithoutAnIdnForm_RefusedWithoutThrowing(string url)
    {
        Assert.True(Uri.TryCreate(url, UriKind.Absolute, out var uri));

        var trusted = SalesforceLoginHost.Parse(SalesforceClientOptions.ProductionLoginUrl).IsTrusted(uri, SalesforceLoginHost.DefaultTrustedDomains, allowInsecureLoopback: false, out var problem);

        Assert.False(trusted);
        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData("""{"access_token":"x","instance_url":"https://na1.salesforce.com","id":"\ud800a"}""")]
    [InlineData("""{"acc\ud800ess_token":"x"}""")]
    [InlineData("{\"access_token\":\"\uD800\"}")]
    public void TryParse_LoneSurrogate_NeverThrows(string body)
    {
        var success = Record.Exception(() => TokenResponseParser.TryParseSuccess(body, out _, out _));
        var error = Record.Exception(() => OAuthErrorBody.Read(body.Replace("access_token", "error", StringComparison.Ordinal), "application/json"));

        Assert.Null(success);
        Assert.Null(error);
    }

    [Fact]
    public void MapTokenError_EscapedLoneSurrogateInError_MapsToATypedException()
    {
        var error = SalesforceErrorMapper.MapTokenError(new TokenErrorContext
        {
            Flow = SalesforceFlow.JwtBearer,
            Endpoint = new Uri("https://login.salesforce.com/services/oauth2/token"),
            StatusCode = HttpStatusCode.BadRequest,
            MediaType = "application/json",
            Body = """{"error":"\ud800","error_description":"x"}""",
            LocalTime = DateTimeOffset.UnixEpoch,
        });

        Assert.Equal(SalesforceReason.UnexpectedResponse, error.Reason);
    }

    [Fact]
    public async Task RequestTokenAsync_UnresolvableRelativeLocation_UnexpectedResponse()
    {
        _f.Respond(WireMock.ResponseBuilders.Response.Create().WithStatusCode(302).WithHeader("Location", "//a@b@acme.lightning.force.com/"));

        var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client().RequestTokenAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(SalesforceReason.UnexpectedResponse, error.Reason);
        Assert.Single(_f.Requests);
    }

    [Fact]
    public async Task RequestTokenAsync_RedirectToForeignHost_TypedUntrustedInstanceWithTheHost()
    {
        _f.Respond(WireMock.ResponseBuilders.Response.Create().WithStatusCode(302).WithHeader("Location", "https://login.salesforce.com.evil.example/services/oauth2/token"));

        var error = await Assert.ThrowsAsync<SalesforceUntrustedInstanceException>(() => _f.Client().RequestTokenAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, error.Reason);
        Assert.Equal("login.salesforce.com.evil.example", error.RefusedHost);
    }
}
