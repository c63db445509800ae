namespace SalesforceAuth.Tokens.Grants;

/// <summary>A grant that signs assertions (JWT and SAML bearer): its key is released with a connection resolved at run time.</summary>
internal interface ISigningGrant
{
    /// <summary>The signing key.</summary>
    SalesforceSigningKey Key { get; }
}
