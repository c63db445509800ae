
namespace SalesforceAuth.Tokens.Grants;

/// <summary>
/// The token exchange grant (Apex Reference Guide "OAuth2TokenExchangeType Enum", https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_enum_Auth_OAuth2TokenExchangeType.htm, RFC 8693 profile): a token from another identity provider
/// (<c>subject_token</c> of one of five types, optionally an <c>actor_token</c>) is exchanged for a Salesforce token by
/// the app's Apex token handler (<c>token_handler</c>, or the app's default).
/// </summary>
internal sealed class TokenExchangeGrant : ITokenGrant
{
    /// <summary>The grant type.</summary>
    public const string GrantType = "urn:ietf:params:oauth:grant-type:token-exchange";

    /// <summary>The token types Salesforce's handlers accept (Apex <c>Auth.OAuth2TokenExchangeType</c>).</summary>
    public static readonly IReadOnlyList<string> TokenTypes =
    [
        "urn:ietf:params:oauth:token-type:access_token",
        "urn:ietf:params:oauth:token-type:refresh_token",
        "urn:ietf:params:oauth:token-type:id_token",
        "urn:ietf:params:oauth:token-type:JWT",
        "urn:ietf:params:oauth:token-type:saml2",
    ];

    private readonly SalesforceClientOptions _options;

    /// <summary>Creates the grant.</summary>
    /// <param name="options">The validated settings.</param>
    /// <exception cref="SalesforceConfigurationException">A token type is not one of the five URNs.</exception>
    public TokenExchangeGrant(SalesforceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        SubjectTokenType = Normalize(options.SubjectTokenType, nameof(options.SubjectTokenType))
            ?? throw new SalesforceConfigurationException(nameof(options.SubjectTokenType), $"SubjectTokenType is required for the TokenExchange flow, one of: {string.Join(", ", TokenTypes)}.");
        ActorTokenType = Normalize(options.ActorTokenType, nameof(options.ActorTokenType));
        if (!string.IsNullOrEmpty(options.ActorToken) && ActorTokenType is null)
        {
            throw new SalesforceConfigurationException(nameof(options.ActorTokenType), $"ActorTokenType is required with ActorToken, one of: {string.Join(", ", TokenTypes)}.");
        }
    }

    /// <inheritdoc />
    public SalesforceFlow Flow => SalesforceFlow.TokenExchange;

    /// <summary>The subject token type sent: the configured value in the spelling of <see cref="TokenTypes"/> (Salesforce's own, Apex Reference Guide "OAuth2TokenExchangeType Enum", https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_enum_Auth_OAuth2TokenExchangeType.htm).</summary>
    public string SubjectTokenType { get; }

    /// <summary>The actor token type sent, when an actor token is configured.</summary>
    public string? ActorTokenType { get; }

    /// <summary>Whether a value is one of the five token type URNs, ignoring case (RFC 8693 spells the JWT one <c>jwt</c>, Salesforce's Apex enum <c>JWT</c>).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The URN as spelled in <see cref="TokenTypes"/>, or <see langword="null"/>.</returns>
    public static string? Find(string? value) =>
        value is null ? null : TokenTypes.FirstOrDefault(t => string.Equals(t, value.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public TokenGrantRequest CreateRequest(TokenGrantContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var subjectToken = context.Request?.SubjectToken ?? _options.SubjectToken;
        if (string.IsNullOrEmpty(subjectToken))
        {
            throw new SalesforceConfigurationException(nameof(_options.SubjectToken), "SubjectToken is required for the TokenExchange flow: the token from the external identity provider (or pass SalesforceTokenRequest.SubjectToken).");
        }

        var form = new List<KeyValuePair<string, string>>(10)
        {
            new("grant_type", GrantType),
            new("subject_token", subjectToken),
            new("subject_token_type", SubjectTokenType),
        };
        if (!string.IsNullOrEmpty(_options.ActorToken))
        {
            form.Add(new("actor_token", _options.ActorToken));
            form.Add(new("actor_token_type", ActorTokenType!));
        }

        var authorization = ClientAuthentication.Apply(_options, form, requireSecret: false);
        if (!string.IsNullOrWhiteSpace(_options.Scope))
        {
            form.Add(new("scope", _options.Scope.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(_options.TokenExchangeHandler))
        {
            form.Add(new("token_handler", _options.TokenExchangeHandler.Trim()));
        }

        return new TokenGrantRequest(form) { Authorization = authorization };
    }

    private static string? Normalize(string? value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // Sent in Salesforce's spelling: RFC 8693 writes the JWT type "jwt", Salesforce's list "JWT" (Apex Reference Guide "OAuth2TokenExchangeType Enum", https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_enum_Auth_OAuth2TokenExchangeType.htm).
        return Find(value) ?? throw new SalesforceConfigurationException(setting, $"{setting} \"{value.Trim()}\" is not a token type Salesforce's token exchange accepts; use one of: {string.Join(", ", TokenTypes)}.");
    }
}
