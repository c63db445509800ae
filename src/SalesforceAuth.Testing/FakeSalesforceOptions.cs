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
    /// session timeout, reference §9.1). Can also be changed later with <see cref="FakeSalesforce.SessionLifetime"/>.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Leeway granted to assertion expiry (<c>exp</c>, <c>NotOnOrAfter</c>) and <c>NotBefore</c>. Salesforce's is
    /// unconfirmed (reference §2.5); defaults to zero.</summary>
    public TimeSpan AssertionClockLeeway { get; set; } = TimeSpan.Zero;

    /// <summary>Reject a JWT whose <c>exp</c> is more than 3 minutes (plus leeway) ahead with <c>invalid assertion</c>.
    /// Salesforce doesn't do this today (reference §2.5), so it is off by default.</summary>
    public bool StrictAssertionExpiry { get; set; }

    /// <summary>Accept SAML assertions encoded with standard base64 (<c>+</c> <c>/</c>) as well as base64url. Salesforce's
    /// behaviour is unconfirmed (reference §3.1); by default they are rejected with <c>invalid assertion</c>.</summary>
    public bool AcceptStandardBase64SamlAssertion { get; set; }

    /// <summary>The <c>error_description</c> for a JWT audience failure. Defaults to <c>audience is invalid</c> (the text seen
    /// in traffic; the documentation shows <c>Audience validation failed</c>, reference §2.4).</summary>
    public string JwtAudienceErrorDescription { get; set; } = "audience is invalid";

    /// <summary>The <c>error_description</c> for a SAML audience failure. Defaults to <c>Audience validation failed</c>
    /// (the documented example, reference §3.3).</summary>
    public string SamlAudienceErrorDescription { get; set; } = "Audience validation failed";

    /// <summary>The error for an unknown <c>subject_token_type</c> (unconfirmed, reference §6). Defaults to
    /// <c>invalid_request</c> / <c>invalid subject_token_type</c>.</summary>
    public FakeOAuthError TokenExchangeUnsupportedTypeError { get; set; } = new("invalid_request", "invalid subject_token_type");

    /// <summary>The error when the token exchange handler rejects the subject token (unconfirmed, reference §6). Defaults to
    /// <c>invalid_grant</c> / <c>invalid subject token</c>.</summary>
    public FakeOAuthError TokenExchangeRejectedError { get; set; } = new("invalid_grant", "invalid subject token");

    /// <summary>The daily API request limit reported in <c>Sforce-Limit-Info</c>. Defaults to 15000.</summary>
    public int ApiRequestLimit { get; set; } = 15000;
}
