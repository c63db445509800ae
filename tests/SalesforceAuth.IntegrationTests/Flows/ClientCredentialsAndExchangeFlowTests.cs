using System.Net;

namespace SalesforceAuth.IntegrationTests.Flows;

/// <summary>Client credentials and token exchange end to end against FakeSalesforce.</summary>
public sealed class ClientCredentialsAndExchangeFlowTests
{
    private static CancellationToken Ct => FlowKit.Cancel;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClientCredentials_BodyOrBasic_TokenForTheRunAsUserWorksOnThePod(bool basic)
    {
        await using var kit = await FlowKit.StartAsync();

        var token = await kit.Client(kit.Options(SalesforceFlow.ClientCredentials, o => o.UseBasicAuthentication = basic)).RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(kit.Org.InstanceUrl, token.InstanceUrl);
        Assert.Equal(kit.User.UserId, token.UserId);
        Assert.NotNull(token.ApiInstanceUrl);
        Assert.Equal(HttpStatusCode.OK, (await kit.ApiAsync(token)).StatusCode);
        Assert.Equal(1, kit.Fake.Counters.TokenRequests("client_credentials", "success"));
        var logged = kit.Fake.RequestLog.Single(e => e.GrantType == "client_credentials");
        Assert.Equal(!basic, logged.Parameters.ContainsKey("client_secret"));
    }

    [Fact]
    public async Task ClientCredentials_LoginHost_RefusedAtConfigurationTime()
    {
        await using var kit = await FlowKit.StartAsync();

        var ex = Assert.Throws<SalesforceConfigurationException>(() => kit.Client(kit.Options(SalesforceFlow.ClientCredentials, o => o.LoginUrl = new Uri("https://login.salesforce.com"))));

        Assert.Equal("LoginUrl", ex.Setting);
        Assert.Equal(0, kit.Fake.Counters.TokenRequests());
    }

    [Fact]
    public async Task ClientCredentials_SharedLoginService_WrongDomainDiagnosed()
    {
        await using var kit = await FlowKit.StartAsync();

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() =>
            kit.Client(kit.Options(SalesforceFlow.ClientCredentials, o => o.LoginUrl = kit.Fake.LoginUrl)).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.WrongDomain, ex.Reason);
        Assert.Equal("request not supported on this domain", ex.ErrorDescription);
    }

    [Fact]
    public async Task ClientCredentials_WrongSecret_InvalidClient()
    {
        await using var kit = await FlowKit.StartAsync();

        var ex = await Assert.ThrowsAsync<SalesforceInvalidClientException>(() =>
            kit.Client(kit.Options(SalesforceFlow.ClientCredentials, o => o.ClientSecret = "WRONG")).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.InvalidClientCredentials, ex.Reason);
        Assert.DoesNotContain("WRONG", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCredentials_NoRunAsUser_Diagnosed()
    {
        await using var kit = await FlowKit.StartAsync();
        kit.App.RunAsUser = null;

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => kit.Client(kit.Options(SalesforceFlow.ClientCredentials)).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.ClientCredentialsUserMissing, ex.Reason);
        Assert.Contains("Run As", string.Join(" ", ex.Diagnosis.Remedies.Concat([ex.Diagnosis.Summary]).Concat(ex.Diagnosis.Causes)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenExchange_AcceptedSubjectToken_TokenForTheMappedUser()
    {
        await using var kit = await FlowKit.StartAsync();
        string? seenType = null;
        kit.App.TokenExchangeValidator = (token, type) =>
        {
            seenType = type;
            return token == "idp-token-for-integration" ? kit.User : null;
        };
        var options = kit.Options(SalesforceFlow.TokenExchange, o =>
        {
            o.SubjectToken = "idp-token-for-integration";
            o.SubjectTokenType = "urn:ietf:params:oauth:token-type:jwt";
        });

        var token = await kit.Client(options).RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(kit.User.UserId, token.UserId);
        Assert.Equal("urn:ietf:params:oauth:token-type:JWT", seenType);
        Assert.Equal(HttpStatusCode.OK, (await kit.ApiAsync(token)).StatusCode);
    }

    [Fact]
    public async Task TokenExchange_RejectedSubjectToken_TypedErrorWithTheWireValues()
    {
        await using var kit = await FlowKit.StartAsync();
        kit.App.TokenExchangeValidator = (_, _) => null;
        var options = kit.Options(SalesforceFlow.TokenExchange, o =>
        {
            o.SubjectToken = "forged-token";
            o.SubjectTokenType = "urn:ietf:params:oauth:token-type:access_token";
        });

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => kit.Client(options).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal("invalid_grant", ex.Error);
        Assert.Equal("invalid subject token", ex.ErrorDescription);
        Assert.Equal(SalesforceFlow.TokenExchange, ex.Flow);
        Assert.DoesNotContain("forged-token", ex.ToString(), StringComparison.Ordinal);
    }
}
