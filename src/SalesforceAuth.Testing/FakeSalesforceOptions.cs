using System.Net;

namespace SalesforceAuth.Testing;

/// <summary>Settings fixed when <see cref="FakeSalesforce"/> starts. Behaviour that tests change later
/// (clock offset, session lifetime, faults) lives on <see cref="FakeSalesforce"/> itself.</summary>
public sealed class FakeSalesforceOptions
{
    /// <summary>The emulator's clock source (a FakeTimeProvider in tests). The emulator's time is this clock plus
    /// <see cref="FakeSalesforce.ClockOffset"/>. Defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The loopback port of the login service (<see cref="FakeSalesforce.LoginUrl"/>), for a URL that stays the same
    /// between runs (a script, another process); 0, the default, picks a free port. Every other host gets a free port.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not from 0 to 65535.</exception>
    public int LoginPort
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, IPEndPoint.MaxPort);
            field = value;
        }
    }

    /// <summary>Pods started up front (more start on demand). Defaults to <c>na1</c> and <c>eu2</c>.</summary>
    public IList<string> Pods { get; } = ["na1", "eu2"];

    /// <summary>How long an access token (session) lives without activity. Defaults to 2 hours (Salesforce's default
    /// session timeout, Metadata API Developer Guide "ProfileSessionSetting", https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_profilesessionsetting.htm). Can also be changed later with <see cref="FakeSalesforce.SessionLifetime"/>.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Leeway granted to assertion expiry (<c>exp</c>, <c>NotOnOrAfter</c>) and <c>NotBefore</c>. Salesforce's is
    /// unconfirmed (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5); defaults to zero.</summary>
    public TimeSpan AssertionClockLeeway { get; set; } = TimeSpan.Zero;

    /// <summary>Reject a JWT whose <c>exp</c> is more than 3 minutes (plus leeway) ahead with <c>invalid assertion</c>.
    /// Salesforce doesn't do this today (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5), so it is off by default.</summary>
    public bool StrictAssertionExpiry { get; set; }

    /// <summary>Accept SAML assertions encoded with standard base64 (<c>+</c> <c>/</c>) as well as base64url. Salesforce's
    /// behaviour is unconfirmed (Salesforce Help "OAuth 2.0 SAML Bearer Assertion Flow for Previously Authorized Apps", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&amp;type=5); by default they are rejected with <c>invalid assertion</c>.</summary>
    public bool AcceptStandardBase64SamlAssertion { get; set; }

    /// <summary>The <c>error_description</c> for a JWT audience failure. Defaults to <c>audience is invalid</c> (the text seen
    /// in traffic; the documentation shows <c>Audience validation failed</c>, Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5).</summary>
    public string JwtAudienceErrorDescription { get; set; } = "audience is invalid";

    /// <summary>The <c>error_description</c> for a SAML audience failure. Defaults to <c>Audience validation failed</c>
    /// (the documented example, Salesforce Help "OAuth 2.0 SAML Bearer Assertion Flow for Previously Authorized Apps", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&amp;type=5).</summary>
    public string SamlAudienceErrorDescription { get; set; } = "Audience validation failed";

    /// <summary>The error for an unknown <c>subject_token_type</c> (unconfirmed, Apex Reference Guide "OAuth2TokenExchangeType Enum", https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_enum_Auth_OAuth2TokenExchangeType.htm). Defaults to
    /// <c>invalid_request</c> / <c>invalid subject_token_type</c>.</summary>
    public FakeOAuthError TokenExchangeUnsupportedTypeError { get; set; } = new("invalid_request", "invalid subject_token_type");

    /// <summary>The error when the token exchange handler rejects the subject token (unconfirmed, Apex Reference Guide "OAuth2TokenExchangeType Enum", https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_enum_Auth_OAuth2TokenExchangeType.htm). Defaults to
    /// <c>invalid_grant</c> / <c>invalid subject token</c>.</summary>
    public FakeOAuthError TokenExchangeRejectedError { get; set; } = new("invalid_grant", "invalid subject token");

    /// <summary>Whether every host speaks HTTPS with certificates from the emulator's own certificate authority (default
    /// <see langword="true"/>; see <see cref="FakeSalesforce.CreateHttpMessageHandler"/>). <see langword="false"/> serves
    /// plain HTTP, which clients must allow for loopback hosts (SalesforceAuth: <c>AllowInsecureLoopback</c>).</summary>
    public bool UseHttps { get; set; } = true;

    /// <summary>The daily API request limit reported in <c>Sforce-Limit-Info</c>. Defaults to 15000.</summary>
    public int ApiRequestLimit { get; set; } = 15000;
}
