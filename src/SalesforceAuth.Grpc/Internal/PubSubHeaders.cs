using Grpc.Core;

namespace SalesforceAuth.Grpc.Internal;

/// <summary>
/// The three authentication headers of one cached token, created once per token so the hot path only copies three
/// references (metadata entries are immutable and may be shared between calls).
/// </summary>
internal sealed class PubSubHeaders
{
    private PubSubHeaders(SalesforceToken token, Metadata.Entry accessToken, Metadata.Entry instanceUrl, Metadata.Entry tenantId)
    {
        Token = token;
        AccessToken = accessToken;
        InstanceUrl = instanceUrl;
        TenantId = tenantId;
    }

    /// <summary>The token these headers carry.</summary>
    public SalesforceToken Token { get; }

    /// <summary><c>accesstoken</c>.</summary>
    public Metadata.Entry AccessToken { get; }

    /// <summary><c>instanceurl</c>: the token's instance URL without a trailing slash.</summary>
    public Metadata.Entry InstanceUrl { get; }

    /// <summary><c>tenantid</c>: the org id.</summary>
    public Metadata.Entry TenantId { get; }

    /// <summary>Whether <paramref name="key"/> is one of the headers these entries set (a caller's own value is dropped).</summary>
    /// <param name="key">A metadata key (gRPC keys are lower case).</param>
    /// <returns><see langword="true"/> for <c>accesstoken</c>, <c>instanceurl</c> and <c>tenantid</c>.</returns>
    public static bool IsOwnKey(string key) =>
        key is SalesforcePubSub.AccessTokenHeader or SalesforcePubSub.InstanceUrlHeader or SalesforcePubSub.TenantIdHeader;

    /// <summary>Creates the headers of a token.</summary>
    /// <param name="token">The token.</param>
    /// <param name="clientName">The connection, for the error message.</param>
    /// <returns>The headers.</returns>
    /// <exception cref="SalesforceAuthenticationException">The org id cannot be determined from the token.</exception>
    public static PubSubHeaders Create(SalesforceToken token, string clientName)
    {
        var orgId = OrgIdFromIdentityUrl(token.IdentityUrl) ?? throw NoTenantId(token, clientName);
        return new PubSubHeaders(
            token,
            new Metadata.Entry(SalesforcePubSub.AccessTokenHeader, token.AccessToken),
            new Metadata.Entry(SalesforcePubSub.InstanceUrlHeader, token.InstanceUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')),
            new Metadata.Entry(SalesforcePubSub.TenantIdHeader, orgId));
    }

    /// <summary>
    /// The org id segment of an identity URL (<c>https://login.salesforce.com/id/00D.../005...</c>): the tenant id the
    /// Pub/Sub API expects ("tenantid: tenant/org id of the client", the service comment of pubsub_api.proto,
    /// https://github.com/forcedotcom/pub-sub-api/blob/main/pubsub_api.proto). No extra call is made.
    /// </summary>
    /// <param name="identityUrl">The token's <c>id</c>.</param>
    /// <returns>The org id, or <see langword="null"/> when the URL is missing or not of that shape.</returns>
    internal static string? OrgIdFromIdentityUrl(Uri? identityUrl)
    {
        if (identityUrl is null || !identityUrl.IsAbsoluteUri)
        {
            return null;
        }

        var segments = identityUrl.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length == 3
            && segments[0] == "id"
            && segments[1].Length is 15 or 18
            && segments[1].StartsWith("00D", StringComparison.Ordinal)
            && segments[1].All(char.IsAsciiLetterOrDigit)
            ? segments[1]
            : null;
    }

    private static SalesforceAuthenticationException NoTenantId(SalesforceToken token, string clientName) =>
        new($"Salesforce client '{clientName}': the Pub/Sub API needs the org id (the tenantid header), taken from the token's identity URL (id), and this token has " + (token.IdentityUrl is null ? "no identity URL." : "an identity URL that is not https://<host>/id/<orgId>/<userId>."), null, new SalesforceErrorDetails
        {
            Reason = SalesforceReason.UnexpectedResponse,
            Flow = token.Flow,
            Diagnosis = new SalesforceDiagnosis(
                "The org id for the Pub/Sub API's tenantid header cannot be determined from the token.",
                [
                    "The token came from a custom token source or a flow whose response had no id field.",
                    "A proxy or test double between the service and Salesforce dropped or rewrote the id field of the token response.",
                ],
                [
                    "Get the token from a flow whose response includes id (JWT bearer, SAML bearer, client credentials, refresh, token exchange all do).",
                    "A custom ISalesforceTokenSource must set SalesforceToken.IdentityUrl from the response's id.",
                ],
                PubSubErrors.HandleErrorsUrl)
            {
                Facts = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["instance_url"] = token.InstanceUrl.GetLeftPart(UriPartial.Authority),
                    ["identity url"] = token.IdentityUrl?.GetLeftPart(UriPartial.Path) ?? "(none)",
                },
            },
        });
}
