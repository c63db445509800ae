using Microsoft.Extensions.Logging;
using SalesforceAuth.Errors;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens.Grants;

namespace SalesforceAuth.Tokens.Endpoint;

/// <summary>
/// Turns a token endpoint success into a <see cref="SalesforceToken"/>, or refuses it: a body that is not a token, a
/// <c>signature</c> that does not match the consumer secret, an <c>instance_url</c> or <c>api_instance_url</c> outside
/// the trusted domains (a response must not be able to send the token elsewhere).
/// </summary>
internal sealed class TokenResponseValidator
{
    private readonly SalesforceClientOptions _options;
    private readonly SalesforceFlow _flow;
    private readonly TokenEndpointErrors _errors;
    private readonly ILogger _logger;

    /// <summary>Creates the validator of one connection.</summary>
    /// <param name="options">The validated settings (client secret, trusted domains, session lifetime).</param>
    /// <param name="flow">The flow the tokens come from.</param>
    /// <param name="errors">The endpoints' errors.</param>
    /// <param name="logger">The logger.</param>
    public TokenResponseValidator(SalesforceClientOptions options, SalesforceFlow flow, TokenEndpointErrors errors, ILogger logger)
    {
        _options = options;
        _flow = flow;
        _errors = errors;
        _logger = logger;
    }

    /// <summary>The token of a success answer, or the typed error.</summary>
    /// <param name="response">The success answer.</param>
    /// <param name="grantRequest">The request it answers (for the diagnosis).</param>
    /// <returns>The token.</returns>
    public SalesforceToken CreateToken(TokenEndpointResponse response, TokenGrantRequest grantRequest)
    {
        if (!TokenResponseParser.TryParseSuccess(response.Body, out var parsed, out var problem))
        {
            throw Unusable(response, grantRequest, "transport.unexpected", $"The token endpoint {response.Endpoint.Authority} answered {(int)response.StatusCode} but {problem}.");
        }

        if (!string.IsNullOrEmpty(_options.ClientSecret) && parsed!.Signature is not null
            && !TokenResponseParser.VerifySignature(parsed, _options.ClientSecret))
        {
            Log.ResponseSignatureMismatch(_logger, response.Endpoint.Authority);
            throw Unusable(response, grantRequest, "client.signature_mismatch", $"The signature of the token response from {response.Endpoint.Authority} does not match HMAC-SHA256(ClientSecret, id + issued_at): the response was altered, or ClientSecret belongs to another app.");
        }

        var instanceUrl = RequireTrustedUrl("instance_url", parsed!.InstanceUrl, required: true, response, grantRequest)!;
        var apiInstanceUrl = RequireTrustedUrl("api_instance_url", parsed.ApiInstanceUrl, required: false, response, grantRequest);
        Uri? communityUrl = null;
        if (parsed.CommunityUrl is not null)
        {
            // A site may live on a custom domain: keep it only when trusted, but do not fail the token for it.
            Uri.TryCreate(parsed.CommunityUrl, UriKind.Absolute, out var site);
            var siteProblem = SalesforceLoginHost.GetSiteUrlTrustProblem(site, _options);
            if (siteProblem is null)
            {
                communityUrl = site;
            }
            else
            {
                Log.ResponseUrlRefused(_logger, "sfdc_community_url", siteProblem);
            }
        }

        var obtainedAt = response.LocalTime;
        return new SalesforceToken(parsed.AccessToken, instanceUrl)
        {
            ApiInstanceUrl = apiInstanceUrl,
            IdentityUrl = Uri.TryCreate(parsed.Id, UriKind.Absolute, out var id) ? id : null,
            TokenType = string.IsNullOrEmpty(parsed.TokenType) ? "Bearer" : parsed.TokenType,
            Scope = parsed.Scope,
            IssuedAt = parsed.IssuedAt,
            ObtainedAt = obtainedAt,
            ExpiresAt = obtainedAt + _options.SessionLifetime,
            RefreshToken = parsed.RefreshToken,
            CommunityUrl = communityUrl,
            CommunityId = parsed.CommunityId,
            Flow = _flow,
        };
    }

    private Uri? RequireTrustedUrl(string field, string? value, bool required, TokenEndpointResponse response, TokenGrantRequest grantRequest)
    {
        if (value is null)
        {
            return required
                ? throw Unusable(response, grantRequest, "transport.unexpected", $"The token response from {response.Endpoint.Authority} has no {field}, so there is no host to send the token to.")
                : null;
        }

        Uri.TryCreate(value, UriKind.Absolute, out var uri);
        var problem = SalesforceLoginHost.GetTrustProblem(uri, _options);
        if (problem is null)
        {
            return uri;
        }

        Log.ResponseUrlRefused(_logger, field, problem);
        var shown = uri is null ? "(not a URL)" : uri.GetLeftPart(UriPartial.Authority);
        throw _errors.Client(
            ErrorCatalog.UntrustedInstanceRow,
            $"The token response's {field} {shown} is refused because {problem}. A response must not be able to send the token elsewhere; the token was discarded. Add the domain to TrustedDomains only if it really is your org's.",
            response.StatusCode,
            response.LocalTime,
            response.ServerTime,
            grantRequest.Assertion,
            uri);
    }

    private SalesforceAuthenticationException Unusable(TokenEndpointResponse response, TokenGrantRequest grantRequest, string rowId, string summary) =>
        _errors.Client(rowId, summary, response.StatusCode, response.LocalTime, response.ServerTime, grantRequest.Assertion);
}
