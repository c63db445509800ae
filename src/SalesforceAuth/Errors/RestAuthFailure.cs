namespace SalesforceAuth.Errors;

/// <summary>What a REST API response means for the access token that was sent (REST API Developer Guide "Status Codes and Error Responses", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm; Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm).</summary>
internal enum RestAuthFailure
{
    /// <summary>Not an authentication failure (success, a business error, a rate limit): pass the response on.</summary>
    None = 0,

    /// <summary>
    /// The session is expired or invalid (401 <c>INVALID_SESSION_ID</c> "Session expired or invalid", 401
    /// <c>INVALID_AUTH_HEADER</c> <c>INVALID_JWT_FORMAT</c>, 403 <c>Bad_OAuth_Token</c>): evict the token, get a new one
    /// (single-flight), rewrite the host to the new <c>instance_url</c> and retry once.
    /// </summary>
    SessionExpired,

    /// <summary>
    /// An authentication failure a new token cannot fix (401 <c>INVALID_SESSION_ID</c> "This session is not valid for use
    /// with the REST API", <c>INVALID_HEADER_TYPE</c>, <c>INVALID_SCOPES</c>): do not renew; surface it.
    /// </summary>
    NotRenewable,
}
