namespace SalesforceAuth.Testing.Internal;

/// <summary>One interactive approval of an app by a user: its refresh tokens (rotation adds to the chain) and the access
/// tokens issued from them. Revoking any of them revokes the chain (Salesforce Help knowledge article 005316711 (refresh token rotation), https://help.salesforce.com/s/articleView?id=005316711&amp;type=1; Salesforce Help "Revoke OAuth Tokens", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&amp;type=5).</summary>
internal sealed class RefreshChain(FakeConnectedApp app, FakeUser user, DateTimeOffset createdAt)
{
    public FakeConnectedApp App { get; } = app;

    public FakeUser User { get; } = user;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset LastUsed { get; set; } = createdAt;

    public bool Revoked { get; set; }

    public string Scope { get; } = app.Scopes;

    public List<RefreshTokenRecord> RefreshTokens { get; } = [];

    public List<AccessTokenRecord> AccessTokens { get; } = [];

    public void Revoke()
    {
        Revoked = true;
        foreach (var token in AccessTokens)
        {
            token.Revoked = true;
        }
    }
}
