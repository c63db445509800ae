using System.Net;
using System.Text;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Flows;

/// <summary>JWT and SAML bearer flows end to end against FakeSalesforce.</summary>
public sealed class BearerFlowTests
{
    private static CancellationToken Ct => FlowKit.Cancel;

    [Theory]
    [InlineData(SalesforceFlow.JwtBearer)]
    [InlineData(SalesforceFlow.SamlBearer)]
    public async Task RequestTokenAsync_BearerFlow_TokenWorksOnItsOwnPodOnly(SalesforceFlow flow)
    {
        await using var kit = await FlowKit.StartAsync(o => o.Pods.Add("eu2"));

        var token = await kit.Client(kit.Options(flow)).RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(kit.Org.InstanceUrl, token.InstanceUrl);
        Assert.Equal(flow, token.Flow);
        Assert.Equal(HttpStatusCode.OK, (await kit.ApiAsync(token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await kit.ApiAsync(token, kit.Fake.GetPodUrl("eu2"))).StatusCode);
        var grant = flow == SalesforceFlow.JwtBearer ? "urn:ietf:params:oauth:grant-type:jwt-bearer" : "urn:ietf:params:oauth:grant-type:saml2-bearer";
        Assert.Equal(1, kit.Fake.Counters.TokenRequests(grant, "success"));
    }

    [Fact]
    public async Task RequestTokenAsync_SamlAssertionTamperedInFlight_InvalidAssertion()
    {
        await using var kit = await FlowKit.StartAsync();
        using var http = new HttpClient(new TamperingHandler { InnerHandler = kit.CreateHandler() });
        var client = new SalesforceTokenClient(http, kit.Options(SalesforceFlow.SamlBearer), kit.Time);

        var ex = await Assert.ThrowsAsync<SalesforceInvalidAssertionException>(() => client.RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.InvalidAssertion, ex.Reason);
        Assert.Equal("invalid assertion", ex.ErrorDescription);
        Assert.Equal(SalesforceFlow.SamlBearer, ex.Flow);
    }

    [Fact]
    public async Task RequestTokenAsync_SamlWithLocalClockBehind_CompensatedBySkew()
    {
        await using var kit = await FlowKit.StartAsync();
        kit.Fake.ClockOffset = TimeSpan.FromMinutes(10);
        var client = kit.Client(kit.Options(SalesforceFlow.SamlBearer));

        var token = await client.RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(kit.Org.InstanceUrl, token.InstanceUrl);
        Assert.Equal(TimeSpan.FromMinutes(10), client.ClockSkew);
    }

    [Fact]
    public async Task CreateAssertion_Saml_IsAcceptedByTheEmulatorAsIs()
    {
        await using var kit = await FlowKit.StartAsync();
        var assertion = kit.Client(kit.Options(SalesforceFlow.SamlBearer)).CreateAssertion();

        using var response = await kit.Http.PostAsync(
            new Uri(kit.Fake.LoginUrl, "/services/oauth2/token"),
            new FormUrlEncodedContent([new("grant_type", assertion.GrantType), new("assertion", assertion.Value)]),
            Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(kit.User.Username, assertion.Xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestTokenAsync_ExternalClientAppNotInstalled_AppNotFound()
    {
        await using var kit = await FlowKit.StartAsync();
        kit.App.IsExternalClientApp = true;

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => kit.Client(kit.Options(SalesforceFlow.JwtBearer)).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.AppNotFound, ex.Reason);
        Assert.Contains("External Client App", ex.Diagnosis.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestTokenAsync_ExternalClientAppInstalled_WorksLikeAConnectedApp()
    {
        await using var kit = await FlowKit.StartAsync();
        kit.App.IsExternalClientApp = true;
        kit.App.InstalledInOrgs.Add(kit.Org);

        var token = await kit.Client(kit.Options(SalesforceFlow.JwtBearer)).RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.OK, (await kit.ApiAsync(token)).StatusCode);
    }

    [Fact]
    public async Task RequestTokenAsync_ExternalClientAppUserNotAssigned_InvalidAppAccess()
    {
        await using var kit = await FlowKit.StartAsync();
        kit.App.IsExternalClientApp = true;
        kit.App.InstalledInOrgs.Add(kit.Org);
        kit.App.PreAuthorizedUsers.Clear();

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => kit.Client(kit.Options(SalesforceFlow.SamlBearer)).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.AppAccessDenied, ex.Reason);
        Assert.False(ex.IsTransient);
    }

    /// <summary>Changes the SAML NameID after signing: the signature no longer matches.</summary>
    private sealed class TamperingHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var form = body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p[1]));
            var xml = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(form["assertion"].Replace('-', '+').Replace('_', '/'))));
            xml = xml.Replace(">integration@acme.com<", ">integratiom@acme.com<", StringComparison.Ordinal);
            form["assertion"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(xml)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            request.Content = new FormUrlEncodedContent(form);
            return await base.SendAsync(request, cancellationToken);
        }

        private static string Pad(string s) => s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
