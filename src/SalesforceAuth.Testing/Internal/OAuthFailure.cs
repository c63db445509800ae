namespace SalesforceAuth.Testing.Internal;

/// <summary>Ends the processing of a token request with a 400 OAuth error body.</summary>
internal sealed class OAuthFailure : Exception
{
    public OAuthFailure()
        : this("invalid_request", "invalid request")
    {
    }

    public OAuthFailure(string message)
        : this("invalid_request", message)
    {
    }

    public OAuthFailure(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = "invalid_request";
        Description = message;
    }

    public OAuthFailure(string error, string description)
        : base(description)
    {
        Error = error;
        Description = description;
    }

    public string Error { get; }

    public string Description { get; }

    public static OAuthFailure InvalidGrant(string description) => new("invalid_grant", description);

    public static OAuthFailure From(FakeOAuthError error) => new(error.Error, error.Description);
}
