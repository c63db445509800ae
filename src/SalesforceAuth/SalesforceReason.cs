namespace SalesforceAuth;

/// <summary>
/// Why Salesforce (or the way to it) refused to issue or honour a token. Every documented Salesforce OAuth
/// <c>error</c>/<c>error_description</c> pair maps to one of these; unknown pairs map to <see cref="Unknown"/>
/// and keep the raw values on the exception.
/// </summary>
public enum SalesforceReason
{
    /// <summary>The error could not be classified; the raw <c>error</c> and <c>error_description</c> are kept.</summary>
    Unknown = 0,

    /// <summary><c>invalid_grant</c> / <c>expired authorization code</c> in a JWT or SAML bearer flow: the assertion's time window is past by Salesforce's clock.</summary>
    AssertionExpired,

    /// <summary><c>invalid_grant</c> / <c>user hasn't approved this consumer</c>: the user is not pre-authorized for the app.</summary>
    ConsumerNotApproved,

    /// <summary><c>invalid_grant</c> / <c>invalid assertion</c>: signature, key, certificate, format or user of the assertion rejected.</summary>
    InvalidAssertion,

    /// <summary><c>invalid_grant</c> / <c>audience is invalid</c> or <c>Audience validation failed</c>.</summary>
    AudienceInvalid,

    /// <summary><c>invalid_grant</c> / <c>expired access/refresh token</c>: the refresh token is revoked, expired or unknown.</summary>
    RefreshTokenExpired,

    /// <summary><c>invalid_grant</c> / <c>token request is already being processed</c>: a concurrent refresh with the same refresh token.</summary>
    RefreshInProgress,

    /// <summary><c>invalid_grant</c> / <c>ip restricted</c> or <c>IP restricted or invalid login hours</c>.</summary>
    LoginRestricted,

    /// <summary>The user is inactive (<c>inactive user</c>, <c>inactive_user</c>).</summary>
    UserInactive,

    /// <summary><c>inactive_org</c>: the organization is locked, closed or suspended.</summary>
    OrgInactive,

    /// <summary><c>invalid_client_id</c>: the consumer key is unknown in the org reached.</summary>
    InvalidClientId,

    /// <summary><c>invalid_client</c> or <c>invalid_client_credentials</c>: the consumer secret is wrong.</summary>
    InvalidClientCredentials,

    /// <summary><c>invalid_app_access</c>: the user is not assigned to the admin-approved app.</summary>
    AppAccessDenied,

    /// <summary><c>app_not_found</c>: the External Client App is not installed in this org.</summary>
    AppNotFound,

    /// <summary><c>invalid_grant</c> / <c>request not supported on this domain</c>: client credentials sent to a login host instead of My Domain.</summary>
    WrongDomain,

    /// <summary><c>invalid_grant</c> / <c>no client credentials user enabled</c>: no Run As user on the app.</summary>
    ClientCredentialsUserMissing,

    /// <summary><c>invalid_grant</c> / <c>authentication failure</c> or <c>invalid user credentials</c>.</summary>
    AuthenticationFailure,

    /// <summary><c>unsupported_grant_type</c>: unknown grant type, a non-form body, or the flow disabled on the app.</summary>
    UnsupportedGrantType,

    /// <summary><c>invalid_request</c>: a malformed request (HTTPS required, POST required, ...).</summary>
    InvalidRequest,

    /// <summary><c>invalid_scope</c>: the requested scope is invalid, unknown, or malformed.</summary>
    InvalidScope,

    /// <summary><c>rate_limit_exceeded</c>, HTTP 429 or REST <c>REQUEST_LIMIT_EXCEEDED</c>.</summary>
    RateLimited,

    /// <summary>5xx, a maintenance page, a timeout or a network failure that outlasted the retries.</summary>
    ServiceUnavailable,

    /// <summary>A response that is not the documented shape (non-JSON, truncated, wrong types, missing fields).</summary>
    UnexpectedResponse,

    /// <summary>The response's <c>instance_url</c> (or a redirect, or a request target) is not a trusted Salesforce host.</summary>
    UntrustedInstanceUrl,

    /// <summary>REST 401 <c>INVALID_SESSION_ID</c> that survived one token renewal.</summary>
    SessionExpired,

    /// <summary>
    /// The session is valid but the user lacks the permission the call needs, for example gRPC
    /// <c>PERMISSION_DENIED</c> from the Pub/Sub API when subscribing to or publishing on a topic.
    /// </summary>
    PermissionDenied,
}
