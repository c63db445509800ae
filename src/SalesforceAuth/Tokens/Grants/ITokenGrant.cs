
namespace SalesforceAuth.Tokens.Grants;

/// <summary>
/// One OAuth grant (JWT bearer, SAML bearer, client credentials, refresh, token exchange): turns the settings and a
/// per-request override into the form fields of one token endpoint request. A new request (and so a fresh assertion)
/// is created for every attempt that needs one. Implementations are stateless apart from what they load once
/// (a signing key, the audience); add a flow in <see cref="TokenGrantFactory.Create"/>.
/// </summary>
internal interface ITokenGrant
{
    /// <summary>The flow this grant implements.</summary>
    SalesforceFlow Flow { get; }

    /// <summary>Creates the form fields for one request.</summary>
    /// <param name="context">The time, endpoint and per-request overrides.</param>
    /// <returns>The form fields and, for assertion flows, what the assertion carried.</returns>
    TokenGrantRequest CreateRequest(TokenGrantContext context);
}
