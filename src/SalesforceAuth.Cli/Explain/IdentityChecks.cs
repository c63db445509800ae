namespace SalesforceAuth.Cli.Explain;

/// <summary>The checks JWT and SAML share: the issuer is the consumer key, the subject is the user, and a sandbox
/// username does not go to a production login host.</summary>
internal static class IdentityChecks
{
    /// <summary>The JWT <c>iss</c> or SAML <c>Issuer</c> names the app by its consumer key ("JWT bearer flow" and "SAML
    /// bearer assertion flow", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5).</summary>
    public static void Issuer(string? issuer, string label, ExplainContext context, List<Finding> findings)
    {
        const string Remedy = "Put the app's consumer key (Setup → App Manager → <your app> → View → Manage Consumer Details) in the issuer, exactly as shown.";
        if (string.IsNullOrEmpty(issuer))
        {
            findings.Add(Finding.Error(FindingCodes.IssNotConsumerKey, $"The assertion has no {label}; Salesforce answers invalid_client_id / client identifier invalid.", Remedy));
        }
        else if (context.ClientId is { Length: > 0 } clientId)
        {
            if (!string.Equals(issuer, clientId, StringComparison.Ordinal))
            {
                findings.Add(Finding.Error(FindingCodes.IssNotConsumerKey, $"{label} is '{issuer}' but --client-id is '{clientId}'.", Remedy));
            }
        }
        else if (!ExplainRules.IsConsumerKeyShaped(issuer))
        {
            findings.Add(Finding.Warn(
                FindingCodes.IssNotConsumerKey,
                $"{label} '{issuer}' does not look like a consumer key (3MVG followed by about 80 letters, digits, dots and underscores).",
                Remedy));
        }
    }

    /// <summary>The JWT <c>sub</c> or SAML <c>NameID</c> is the Salesforce username.</summary>
    public static void Subject(string? subject, string label, string mismatchCode, string? audience, ExplainContext context, List<Finding> findings)
    {
        if (string.IsNullOrEmpty(subject))
        {
            findings.Add(Finding.Error(mismatchCode == FindingCodes.SamlNameIdMismatch ? mismatchCode : FindingCodes.SubMissing, $"The assertion has no {label}.", $"Put the Salesforce username of the user to act as in {label}."));
            return;
        }

        if (context.Username is { Length: > 0 } username && !string.Equals(subject, username, StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(Finding.Error(mismatchCode, $"{label} is '{subject}' but --username is '{username}'.", $"Put the exact Salesforce username in {label} (raw, not URL-escaped; sandbox usernames carry the sandbox suffix)."));
        }

        // A sandbox copy of a user is a different user in a different org: production cannot find it and Salesforce
        // answers invalid_grant / invalid assertion. Without --login-url, the audience says where the assertion goes.
        var host = context.LoginUrl ?? (Uri.TryCreate(audience, UriKind.Absolute, out var audienceUrl) ? audienceUrl : null);
        if (host is not null && ExplainRules.ReachesProduction(host, audience ?? string.Empty) && ExplainRules.SandboxUsernameSuffix(subject) is { } suffix)
        {
            findings.Add(Finding.Warn(
                FindingCodes.SubSandboxSuffixOnProduction,
                $"{label} '{subject}' ends in the sandbox suffix '.{suffix}', but {(context.LoginUrl is null ? "the audience" : "the login URL")} {host.GetLeftPart(UriPartial.Authority)} reaches production; a sandbox user exists only in the sandbox.",
                "Log in through https://test.salesforce.com or the sandbox's My Domain (name--sandbox.sandbox.my.salesforce.com) with audience https://test.salesforce.com, or use the production username."));
        }
    }
}
