using System.Net;
using System.Text.Json;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.EndToEnd;

/// <summary>The uncached JWT core (<see cref="SalesforceTokenClient"/>) against the emulator: the token, and every JWT
/// failure as the typed exception and reason the error mapper promises (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5; Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm).</summary>
public sealed class JwtCoreEndToEndTests
{
    [Fact]
    public async Task RequestTokenAsync_PreAuthorizedUser_ReturnsTokenForTheOrgsPodThatWorksThere()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var client = kit.TokenClient(kit.Options());

        var token = await client.RequestTokenAsync(cancellationToken: EndToEndKit.Cancel);

        Assert.Equal(SalesforceFlow.JwtBearer, token.Flow);
        Assert.Equal(kit.Org.InstanceUrl.GetLeftPart(UriPartial.Authority), token.InstanceUrl.GetLeftPart(UriPartial.Authority));
        Assert.Equal(new Uri($"{kit.Fake.LoginUrl.GetLeftPart(UriPartial.Authority)}/id/{kit.Org.OrgId}/{kit.User.UserId}"), token.IdentityUrl);
        Assert.Equal("api refresh_token offline_access", token.Scope);
        Assert.Equal(EndToEndKit.Start, token.IssuedAt);
        Assert.Equal(EndToEndKit.Start, token.ObtainedAt);
        Assert.Equal("Bearer", token.TokenType);
        Assert.Null(token.RefreshToken);
        Assert.StartsWith(kit.Org.OrgId[..15] + "!", token.AccessToken, StringComparison.Ordinal);
        Assert.Equal(1, kit.Fake.Counters.TokenRequests(EndToEndKit.JwtGrant, "success"));

        using var response = await kit.GetWithTokenAsync(new Uri(token.InstanceUrl, "/services/data/v62.0/sobjects/Account"), token.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, kit.Fake.Counters.ApiCalls(kit.Org.Pod, 200));

        // The same token on another pod is the "wrong host" case of Salesforce Help on My Domain and enhanced domains, https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&type=5: a session of this org only.
        using var elsewhere = await kit.GetWithTokenAsync(new Uri(kit.Fake.GetPodUrl("eu2"), "/services/data/v62.0/"), token.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
    }

    [Fact]
    public async Task RequestTokenAsync_UserNotPreAuthorized_ThrowsConsumerNotApproved()
    {
        await using var kit = await EndToEndKit.StartAsync();
        kit.App.PreAuthorizedUsers.Clear();

        var ex = await Assert.ThrowsAsync<SalesforceConsumerNotApprovedException>(() => kit.TokenClient(kit.Options()).RequestTokenAsync(cancellationToken: EndToEndKit.Cancel));

        Assert.Equal(SalesforceReason.ConsumerNotApproved, ex.Reason);
        Assert.Equal("invalid_grant", ex.Error);
        Assert.Equal("user hasn't approved this consumer", ex.ErrorDescription);
        Assert.Equal(SalesforceFlow.JwtBearer, ex.Flow);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, kit.JwtRequests);
    }

    [Fact]
    public async Task RequestTokenAsync_KeyOfAnotherCertificate_ThrowsInvalidAssertionNamingOurThumbprint()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var options = kit.Options();
        options.PrivateKeyPem = EndToEndKit.OtherKeys.PrivateKeyPem;
        options.CertificatePem = EndToEndKit.OtherKeys.CertificatePem;

        var ex = await Assert.ThrowsAsync<SalesforceInvalidAssertionException>(() => kit.TokenClient(options).RequestTokenAsync(cancellationToken: EndToEndKit.Cancel));

        Assert.Equal(SalesforceReason.InvalidAssertion, ex.Reason);
        Assert.Equal("invalid assertion", ex.ErrorDescription);
        var thumbprint = EndToEndKit.OtherKeys.Certificate.Thumbprint;
        Assert.NotEqual(EndToEndKit.Keys.Certificate.Thumbprint, thumbprint);
        Assert.Contains(thumbprint, ex.Diagnosis.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(EndToEndKit.Keys.Certificate.Thumbprint, ex.Diagnosis.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, kit.JwtRequests);
    }

    [Fact]
    public async Task RequestTokenAsync_ExplicitSandboxAudienceForProductionLogin_ThrowsAudienceInvalid()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var options = kit.Options();
        options.Audience = "https://test.salesforce.com";

        var ex = await Assert.ThrowsAsync<SalesforceAudienceException>(() => kit.TokenClient(options).RequestTokenAsync(cancellationToken: EndToEndKit.Cancel));

        Assert.Equal(SalesforceReason.AudienceInvalid, ex.Reason);
        Assert.Equal("audience is invalid", ex.ErrorDescription);
        Assert.Equal("https://test.salesforce.com", ex.Audience);
        Assert.Contains("Audience", ex.AudienceRule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestTokenAsync_UnknownConsumerKey_ThrowsInvalidClientId()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var options = kit.Options();
        options.ClientId = "3MVG9" + new string('x', 80);

        var ex = await Assert.ThrowsAsync<SalesforceInvalidClientException>(() => kit.TokenClient(options).RequestTokenAsync(cancellationToken: EndToEndKit.Cancel));

        Assert.Equal(SalesforceReason.InvalidClientId, ex.Reason);
        Assert.Equal("invalid_client_id", ex.Error);
        Assert.Equal("client identifier invalid", ex.ErrorDescription);
    }

    [Fact]
    public async Task RequestTokenAsync_InactiveUser_ThrowsUserInactive()
    {
        await using var kit = await EndToEndKit.StartAsync();
        kit.User.IsActive = false;

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => kit.TokenClient(kit.Options()).RequestTokenAsync(cancellationToken: EndToEndKit.Cancel));

        Assert.Equal(SalesforceReason.UserInactive, ex.Reason);
        Assert.Equal("inactive user", ex.ErrorDescription);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, kit.JwtRequests);
    }

    [Fact]
    public async Task RequestTokenAsync_ExternalClientAppNotInstalled_ThrowsAppNotFound()
    {
        await using var kit = await EndToEndKit.StartAsync();
        kit.App.IsExternalClientApp = true;

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => kit.TokenClient(kit.Options()).RequestTokenAsync(cancellationToken: EndToEndKit.Cancel));

        Assert.Equal(SalesforceReason.AppNotFound, ex.Reason);
        Assert.Equal("app_not_found", ex.Error);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task RequestTokenAsync_ExternalClientAppInstalledUserNotAssigned_ThrowsAppAccessDenied()
    {
        await using var kit = await EndToEndKit.StartAsync();
        kit.App.IsExternalClientApp = true;
        kit.App.InstalledInOrgs.Add(kit.Org);
        kit.App.PreAuthorizedUsers.Clear();
        var client = kit.TokenClient(kit.Options());

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.RequestTokenAsync(cancellationToken: EndToEndKit.Cancel));

        Assert.Equal(SalesforceReason.AppAccessDenied, ex.Reason);
        Assert.Equal("invalid_app_access", ex.Error);

        // Assigning the user is the fix the diagnosis points to; the same client then succeeds.
        kit.App.PreAuthorizedUsers.Add(kit.User);
        Assert.Equal(kit.Org.InstanceUrl.Authority, (await client.RequestTokenAsync(cancellationToken: EndToEndKit.Cancel)).InstanceUrl.Authority);
    }

    [Fact]
    public async Task RequestTokenAsync_SandboxUserAtProductionLogin_ThrowsInvalidAssertion()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var sandbox = kit.Fake.AddOrg("acme--uat", sandbox: true, pod: "cs42");
        var user = sandbox.AddUser("integration@acme.com.uat");
        kit.App.PreAuthorizedUsers.Add(user);

        var ex = await Assert.ThrowsAsync<SalesforceInvalidAssertionException>(() => kit.TokenClient(kit.Options(user)).RequestTokenAsync(cancellationToken: EndToEndKit.Cancel));
        Assert.Equal(SalesforceReason.InvalidAssertion, ex.Reason);

        // The same user at the sandbox login service (test.salesforce.com audience) gets a token for the sandbox's pod.
        var options = kit.Options(user);
        options.LoginUrl = kit.Fake.SandboxLoginUrl;
        options.Audience = "https://test.salesforce.com";
        var token = await kit.TokenClient(options).RequestTokenAsync(cancellationToken: EndToEndKit.Cancel);
        Assert.Equal(sandbox.InstanceUrl.Authority, token.InstanceUrl.Authority);
    }

    [Fact]
    public async Task RequestTokenAsync_SalesforceClockSevenMinutesAheadWithCompensation_SucceedsWithShiftedAssertion()
    {
        await using var kit = await EndToEndKit.StartAsync();
        kit.Fake.ClockOffset = TimeSpan.FromMinutes(7);
        var client = kit.TokenClient(kit.Options());
        Assert.Null(client.ClockSkew);

        var token = await client.RequestTokenAsync(cancellationToken: EndToEndKit.Cancel);

        // The first assertion (local clock) expired by Salesforce's clock; its answer's Date header gave the offset,
        // and one fresh assertion shifted by it was accepted (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5; Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm).
        Assert.Equal(1, kit.Fake.Counters.TokenRequests(EndToEndKit.JwtGrant, "invalid_grant"));
        Assert.Equal(1, kit.Fake.Counters.TokenRequests(EndToEndKit.JwtGrant, "success"));
        Assert.Equal(["expired authorization code", null], kit.Fake.RequestLog.Select(e => e.ErrorDescription));
        Assert.Equal(TimeSpan.FromMinutes(7), client.ClockSkew);
        Assert.Equal(EndToEndKit.Start + TimeSpan.FromMinutes(7), token.IssuedAt);

        // Later assertions are shifted from the start: no failed attempt any more.
        await client.RequestTokenAsync(cancellationToken: EndToEndKit.Cancel);
        Assert.Equal(2, kit.Fake.Counters.TokenRequests(EndToEndKit.JwtGrant, "success"));
        Assert.Equal(1, kit.Fake.Counters.TokenRequests(EndToEndKit.JwtGrant, "invalid_grant"));
    }

    [Fact]
    public async Task RequestTokenAsync_SalesforceClockSevenMinutesAheadWithoutCompensation_ThrowsAssertionExpiredNamingTheSkew()
    {
        await using var kit = await EndToEndKit.StartAsync();
        kit.Fake.ClockOffset = TimeSpan.FromMinutes(7);
        var options = kit.Options();
        options.ClockSkewCompensation = false;
        var client = kit.TokenClient(options);

        var ex = await Assert.ThrowsAsync<SalesforceAssertionExpiredException>(() => client.RequestTokenAsync(cancellationToken: EndToEndKit.Cancel));

        Assert.Equal(SalesforceReason.AssertionExpired, ex.Reason);
        Assert.Equal("expired authorization code", ex.ErrorDescription);
        Assert.Equal(TimeSpan.FromMinutes(7), ex.ClockSkew);
        Assert.Equal(TimeSpan.FromMinutes(7), ex.Diagnosis.ClockSkew);
        Assert.Equal(EndToEndKit.Start + TimeSpan.FromMinutes(7), ex.ServerTime);
        Assert.Equal(EndToEndKit.Start, ex.LocalTime);
        Assert.Contains("your clock is 7 min 0 s behind Salesforce", ex.Diagnosis.ToString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(7), client.ClockSkew);

        // No retry: with compensation off a fresh assertion would be refused the same way.
        Assert.Equal(1, kit.Fake.Counters.TokenRequests(EndToEndKit.JwtGrant, "invalid_grant"));
        Assert.Equal(0, kit.Fake.Counters.TokenRequests(EndToEndKit.JwtGrant, "success"));
    }

    [Theory]
    [InlineData(-90)]
    [InlineData(1)]
    [InlineData(3600)]
    public async Task ClockSkew_AfterAnyAnswer_IsTheExactOffsetOfTheDateHeader(int seconds)
    {
        await using var kit = await EndToEndKit.StartAsync();
        kit.Fake.ClockOffset = TimeSpan.FromSeconds(seconds);
        kit.App.PreAuthorizedUsers.Clear();
        var client = kit.TokenClient(kit.Options());

        // An error answer carries a Date header too, and is measured like a success.
        await Assert.ThrowsAsync<SalesforceConsumerNotApprovedException>(() => client.RequestTokenAsync(cancellationToken: EndToEndKit.Cancel));

        Assert.Equal(TimeSpan.FromSeconds(seconds), client.ClockSkew);
    }

    [Fact]
    public async Task RequestTokenAsync_ErrorsAndTokens_NeverShowTheAssertionOrToken()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var client = kit.TokenClient(kit.Options());
        var token = await client.RequestTokenAsync(cancellationToken: EndToEndKit.Cancel);
        kit.App.PreAuthorizedUsers.Clear();
        var ex = await Assert.ThrowsAsync<SalesforceConsumerNotApprovedException>(() => client.RequestTokenAsync(cancellationToken: EndToEndKit.Cancel));

        Assert.DoesNotContain(token.AccessToken, token.ToString(), StringComparison.Ordinal);
        var shown = ex.ToString() + JsonSerializer.Serialize(ex.Diagnosis.Facts);
        Assert.DoesNotContain("eyJ", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(token.AccessToken, shown, StringComparison.Ordinal);
    }
}
