using SalesforceAuth.Internal;
using SalesforceAuth.Tests.TestSupport;

namespace SalesforceAuth.Tests.Internal;

public sealed class SalesforceClientOptionsValidatorTests
{
    private static SalesforceClientOptions ValidJwt() => new()
    {
        ClientId = "3MVG9consumerKey",
        Username = "integration@acme.com",
        PrivateKeyPath = "/run/secrets/salesforce.key",
    };

    private static string SingleFailure(SalesforceClientOptions options, string setting)
    {
        var failures = SalesforceClientOptionsValidator.GetFailures(options);
        var failure = Assert.Single(failures, f => f.Setting == setting);
        return failure.Message;
    }

    [Fact]
    public void Validate_ValidJwtOptions_Succeeds()
    {
        using var key = TestKeys.NewSigningKey(out var publicKey);
        using (publicKey)
        {
            var options = ValidJwt();
            options.SigningKey = key;

            var result = new SalesforceClientOptionsValidator().Validate("crm", options);

            Assert.True(result.Succeeded);
        }
    }

    [Fact]
    public void Validate_NamedOptions_PrefixesTheClientName()
    {
        var options = ValidJwt();
        options.ClientId = null;

        var error = Assert.Throws<SalesforceConfigurationException>(() => new SalesforceClientOptionsValidator().Validate("crm", options));

        Assert.Equal("Salesforce:Clients:crm:ClientId", error.Setting);
        Assert.Contains("Salesforce:Clients:crm:ClientId: ClientId is required", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u017Fales@acme.com", "U+017F")]
    [InlineData("integration@acme.com\u200B", "U+200B")]
    public void Validate_NonAsciiUsername_FailsNamingUsername(string username, string codePoint)
    {
        var options = ValidJwt();
        options.Username = username;

        var message = SingleFailure(options, "Username");

        Assert.Contains(codePoint, message, StringComparison.Ordinal);
        Assert.Contains("ASCII", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(29)]
    [InlineData(601)]
    [InlineData(5)]
    public void Validate_AssertionLifetimeOutOfBounds_FailsWithRange(int seconds)
    {
        var options = ValidJwt();
        options.AssertionLifetime = TimeSpan.FromSeconds(seconds);

        var message = SingleFailure(options, "AssertionLifetime");

        Assert.Contains("between 00:00:30 and 00:10:00", message, StringComparison.Ordinal);
        Assert.Contains("default 00:03:00", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(180)]
    [InlineData(600)]
    public void Validate_AssertionLifetimeAtBounds_Succeeds(int seconds)
    {
        var options = ValidJwt();
        options.AssertionLifetime = TimeSpan.FromSeconds(seconds);

        Assert.Empty(SalesforceClientOptionsValidator.GetFailures(options));
    }

    [Fact]
    public void Defaults_AssertionLifetime_IsThreeMinutes() => Assert.Equal(TimeSpan.FromMinutes(3), new SalesforceClientOptions().AssertionLifetime);

    [Theory]
    [InlineData("http://login.salesforce.com", false, "must use https")]
    [InlineData("http://127.0.0.1:8080", false, "AllowInsecureLoopback = true")]
    [InlineData("https://user:pw@login.salesforce.com", false, "without user info")]
    public void Validate_BadLoginUrl_Fails(string url, bool allowLoopback, string mentions)
    {
        var options = ValidJwt();
        options.LoginUrl = new Uri(url);
        options.AllowInsecureLoopback = allowLoopback;

        var failure = Assert.Single(SalesforceClientOptionsValidator.GetFailures(options));

        Assert.Contains(mentions, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://acme.my.salesforce.com/services/oauth2/token", "LoginUrl = \"https://acme.my.salesforce.com\"")]
    [InlineData("https://login.salesforce.com/services/oauth2/token/", "LoginUrl = \"https://login.salesforce.com\"")]
    [InlineData("https://acme.my.site.com/customers/services/oauth2/token", "LoginUrl = \"https://acme.my.site.com/customers\"")]
    [InlineData("https://acme.lightning.force.com", "LoginUrl = \"https://acme.my.salesforce.com\"")]
    [InlineData("https://acme--uat.sandbox.lightning.force.com/lightning/page/home", "LoginUrl = \"https://acme--uat.sandbox.my.salesforce.com\"")]
    public void Validate_ObviouslyWrongLoginUrl_FailsWithTheRightUrl(string url, string rightUrl)
    {
        var options = ValidJwt();
        options.LoginUrl = new Uri(url);

        var failure = Assert.Single(SalesforceClientOptionsValidator.GetFailures(options));

        Assert.Equal("LoginUrl", failure.Setting);
        Assert.Contains(rightUrl, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HttpLoopbackWithOptIn_Succeeds()
    {
        var options = ValidJwt();
        options.LoginUrl = new Uri("http://127.0.0.1:8080");
        options.AllowInsecureLoopback = true;

        Assert.Empty(SalesforceClientOptionsValidator.GetFailures(options));
    }

    [Fact]
    public void Validate_JwtWithoutUsernameOrKey_NamesBoth()
    {
        var options = new SalesforceClientOptions { ClientId = "3MVG9" };

        var failures = SalesforceClientOptionsValidator.GetFailures(options);

        Assert.Contains(failures, f => f.Setting == "Username" && f.Message.Contains("integration@acme.com", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Setting == "PrivateKeyPath" && f.Message.Contains("PrivateKeyPem", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SamlWithoutCertificate_Fails()
    {
        var options = ValidJwt();
        options.Flow = SalesforceFlow.SamlBearer;

        Assert.Contains("CertificatePath", SingleFailure(options, "CertificatePath"), StringComparison.Ordinal);
        options.PrivateKeyPath = "/run/secrets/salesforce.pfx";
        Assert.Empty(SalesforceClientOptionsValidator.GetFailures(options));
    }

    [Fact]
    public void Validate_ClientCredentialsOnLoginHost_RefusedWithMyDomainHint()
    {
        var options = new SalesforceClientOptions { Flow = SalesforceFlow.ClientCredentials, ClientId = "3MVG9", LoginUrl = new Uri("https://test.salesforce.com") };

        var failures = SalesforceClientOptionsValidator.GetFailures(options);

        Assert.Contains(failures, f => f.Setting == "ClientSecret");
        Assert.Contains(failures, f => f.Setting == "LoginUrl" && f.Message.Contains("https://<name>.my.salesforce.com", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RefreshAndTokenExchangeWithoutTokens_Fail()
    {
        Assert.Contains("RefreshToken", SingleFailure(new SalesforceClientOptions { Flow = SalesforceFlow.RefreshToken, ClientId = "3MVG9" }, "RefreshToken"), StringComparison.Ordinal);

        var exchange = SalesforceClientOptionsValidator.GetFailures(new SalesforceClientOptions { Flow = SalesforceFlow.TokenExchange, ClientId = "3MVG9" });
        Assert.Contains(exchange, f => f.Setting == "SubjectToken");
        Assert.Contains(exchange, f => f.Setting == "SubjectTokenType" && f.Message.Contains("urn:ietf:params:oauth:token-type:jwt", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RefreshWithoutTokenButWithAStore_Passes()
    {
        var options = new SalesforceClientOptions { Flow = SalesforceFlow.RefreshToken, ClientId = "3MVG9" };

        Assert.Empty(SalesforceClientOptionsValidator.GetFailures(options, hasRefreshTokenStore: true));
        options.HasRefreshTokenStore = true;
        Assert.Empty(SalesforceClientOptionsValidator.GetFailures(options));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void Validate_MaxRetriesOutOfRange_Fails(int retries)
    {
        var options = ValidJwt();
        options.MaxRetries = retries;

        Assert.Contains("between 0 and 10", SingleFailure(options, "MaxRetries"), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NonPositiveTimeouts_Fail()
    {
        var options = ValidJwt();
        options.AttemptTimeout = TimeSpan.Zero;
        options.TotalTimeout = TimeSpan.FromSeconds(-1);

        var failures = SalesforceClientOptionsValidator.GetFailures(options);

        Assert.Contains(failures, f => f.Setting == "AttemptTimeout");
        Assert.Contains(failures, f => f.Setting == "TotalTimeout");
    }

    [Fact]
    public void Validate_AudienceArray_Fails()
    {
        var options = ValidJwt();
        options.Audience = "[\"https://login.salesforce.com\"]";

        Assert.Contains("not a list", SingleFailure(options, "Audience"), StringComparison.Ordinal);
    }

    [Fact]
    public void TokenClientConstructor_InvalidOptions_ThrowsConfigurationExceptionNamingTheSetting()
    {
        var options = ValidJwt();
        options.AssertionLifetime = TimeSpan.FromSeconds(5);
        using var http = new HttpClient();

        var ex = Assert.Throws<SalesforceConfigurationException>(() => new SalesforceTokenClient(http, options));

        Assert.Equal("AssertionLifetime", ex.Setting);
    }

    [Fact]
    public void TokenClientConstructor_UnknownFlow_NamesTheKnownFlows()
    {
        var options = new SalesforceClientOptions { Flow = (SalesforceFlow)99, ClientId = "3MVG9" };
        using var http = new HttpClient();

        var ex = Assert.Throws<SalesforceConfigurationException>(() => new SalesforceTokenClient(http, options));

        Assert.Equal("Flow", ex.Setting);
        Assert.Contains("not a known flow", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ClientCredentials", ex.Message, StringComparison.Ordinal);
    }
}
