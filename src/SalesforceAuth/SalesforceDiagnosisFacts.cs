namespace SalesforceAuth;

/// <summary>
/// The names of the facts in <see cref="SalesforceDiagnosis.Facts"/>. Every producer of a diagnosis (the token
/// endpoint client, the lifecycle calls, the handler, the REST extension) uses these names, so a tool can read a fact
/// whichever path raised the exception. Values are human-readable; their format may change, the names do not.
/// </summary>
public static class SalesforceDiagnosisFacts
{
    /// <summary>The flow used (<see cref="SalesforceFlow"/> name).</summary>
    public const string Flow = "flow";

    /// <summary>The host of the token endpoint the request went to.</summary>
    public const string TokenEndpointHost = "token endpoint host";

    /// <summary>The URL the request was sent to (the token endpoint, or the redirect target it followed); carries no secrets.</summary>
    public const string EndpointUrl = "URL";

    /// <summary>The HTTP status code of the answer.</summary>
    public const string HttpStatus = "HTTP status";

    /// <summary>The media type of the answer.</summary>
    public const string MediaType = "media type";

    /// <summary>How many attempts were made, when more than one.</summary>
    public const string Attempts = "attempts";

    /// <summary>The type of the transport failure (timeout, connection refused, TLS), when no answer arrived.</summary>
    public const string TransportFailure = "transport failure";

    /// <summary>The <c>Retry-After</c> delay Salesforce asked for.</summary>
    public const string RetryAfter = "retry after";

    /// <summary>A sanitized excerpt of the answer's body (credentials redacted).</summary>
    public const string ResponseExcerpt = "response excerpt";

    /// <summary>What is wrong with an answer's body (empty, too large, malformed, wrong shape).</summary>
    public const string Body = "body";

    /// <summary>Why a success answer could not be used.</summary>
    public const string Problem = "problem";

    /// <summary>The host of a refused <c>instance_url</c>, <c>api_instance_url</c> or redirect.</summary>
    public const string RefusedHost = "refused host";

    /// <summary>What carried a refused URL (<c>instance_url</c>, <c>redirect</c>).</summary>
    public const string CarriedBy = "carried by";

    /// <summary>The host of a REST request that failed.</summary>
    public const string RequestHost = "request host";

    /// <summary>The host of the token's <c>instance_url</c>, where the handler sends requests.</summary>
    public const string InstanceHost = "instance host";

    /// <summary>The <c>Sforce-Limit-Info</c> header of a REST answer.</summary>
    public const string LimitInfo = "Sforce-Limit-Info";

    /// <summary>The local time when the answer arrived.</summary>
    public const string LocalTime = "local time";

    /// <summary>Salesforce's time, from the answer's <c>Date</c> header.</summary>
    public const string ServerTime = "server time (Date header)";

    /// <summary>The measured clock difference, in words.</summary>
    public const string MeasuredSkew = "measured skew";

    /// <summary>The assertion's <c>iat</c> / <c>IssueInstant</c>.</summary>
    public const string AssertionIssuedAt = "assertion iat";

    /// <summary>The assertion's <c>exp</c> / <c>NotOnOrAfter</c>.</summary>
    public const string AssertionExpiresAt = "assertion exp";

    /// <summary>The assertion's validity.</summary>
    public const string AssertionLifetime = "assertion lifetime";

    /// <summary>The clock-skew compensation applied to the assertion's times.</summary>
    public const string SkewCompensationApplied = "skew compensation applied";

    /// <summary>The assertion's <c>exp</c> relative to Salesforce's time.</summary>
    public const string AssertionExpiresVsServerTime = "assertion exp vs server time";

    /// <summary>Whether a fresh, skew-corrected assertion was already tried.</summary>
    public const string RetriedWithFreshAssertion = "retry with fresh assertion";

    /// <summary>The consumer key sent as <c>iss</c> / SAML <c>Issuer</c> (not a secret).</summary>
    public const string ConsumerKey = "consumer key (iss)";

    /// <summary>The username sent as <c>sub</c> / SAML <c>NameID</c>.</summary>
    public const string Username = "username (sub)";

    /// <summary>The audience sent.</summary>
    public const string AudienceSent = "audience sent";

    /// <summary>The rule that chose the audience sent (<see cref="SalesforceAudience.Rule"/>).</summary>
    public const string AudienceRule = "audience rule";

    /// <summary>The default audience of the host the request went to (<see cref="SalesforceLoginHost.DefaultAudience"/>).</summary>
    public const string ExpectedAudience = "expected audience for this host";

    /// <summary>The rule behind <see cref="ExpectedAudience"/>.</summary>
    public const string ExpectedAudienceRule = "expected audience rule";

    /// <summary>The link to Salesforce's SAML Assertion Validator from the answer's <c>error_uri</c>.</summary>
    public const string SamlAssertionValidator = "SAML Assertion Validator";

    /// <summary>The SHA-1 thumbprint of the certificate matching the signing key.</summary>
    public const string CertificateThumbprint = "signing certificate thumbprint (SHA-1)";

    /// <summary>Whether a client secret was configured (never the secret).</summary>
    public const string ClientSecretConfigured = "client secret configured";
}
