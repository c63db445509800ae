namespace SalesforceAuth.Http;

/// <summary>What a REST <c>401</c>/<c>403</c> says about the session (reference §10.2, §11.5).</summary>
internal enum RestAuthFailure
{
    /// <summary>Not an authentication failure we recognise: hand the response to the caller.</summary>
    Other = 0,

    /// <summary><c>INVALID_SESSION_ID</c> "Session expired or invalid", <c>INVALID_JWT_FORMAT</c> or <c>Bad_OAuth_Token</c>: a new token may help, once.</summary>
    SessionExpired,

    /// <summary><c>INVALID_SESSION_ID</c> "This session is not valid for use with the REST API": a configuration problem; a new token will not help.</summary>
    SessionNotValidForApi,
}
