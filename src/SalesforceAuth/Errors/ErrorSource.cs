namespace SalesforceAuth.Errors;

/// <summary>Which kind of answer an <see cref="ErrorCatalogEntry"/> describes.</summary>
internal enum ErrorSource
{
    /// <summary>An OAuth error object from the token, revoke or authorize endpoint: <c>{"error","error_description"}</c>.</summary>
    OAuth = 0,

    /// <summary>A REST API error: <c>[{"message","errorCode"}]</c>, or the plain-text <c>Bad_OAuth_Token</c>.</summary>
    Rest,

    /// <summary>No usable error body: a transport failure, a 5xx, an HTML page, a malformed body.</summary>
    Transport,

    /// <summary>
    /// Found by the library, not sent by Salesforce: an answer it will not use (too large, a bad signature, an unusable
    /// redirect), a host it will not send a token to, a request it cannot build.
    /// </summary>
    Client,
}
