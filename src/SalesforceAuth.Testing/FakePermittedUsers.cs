namespace SalesforceAuth.Testing;

/// <summary>The "Permitted Users" policy of a connected app (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5).</summary>
public enum FakePermittedUsers
{
    /// <summary>
    /// "All users may self-authorize" (Salesforce's default): bearer flows need an earlier interactive approval that issued a
    /// refresh token (<see cref="FakeSalesforce.IssueRefreshToken"/>) and the app's scopes must include
    /// <c>refresh_token</c> or <c>offline_access</c>.
    /// </summary>
    AllUsersMaySelfAuthorize,

    /// <summary>"Admin approved users are pre-authorized": only users in <see cref="FakeConnectedApp.PreAuthorizedUsers"/> pass.</summary>
    AdminApprovedPreAuthorized,
}
