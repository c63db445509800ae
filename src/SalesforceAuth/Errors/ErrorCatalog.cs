namespace SalesforceAuth.Errors;

/// <summary>
/// The one mapping table: every Salesforce OAuth error (Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm; Salesforce Help "OAuth 2.0 Refresh Token Flow for Renewed Sessions", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_refresh_token_flow.htm&amp;type=5; Salesforce release notes "Username-Password Flow Blocked by Default", https://help.salesforce.com/s/articleView?id=release-notes.rn_security_username-password_flow_blocked_by_default.htm&amp;release=244&amp;type=5; Salesforce Help "Revoke OAuth Tokens", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&amp;type=5), every REST
/// authentication error (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5; REST API Developer Guide "Status Codes and Error Responses", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm) and every transport case (Salesforce Help knowledge article 000381578 (login rate limits), https://help.salesforce.com/s/articleView?id=000381578&amp;type=1), each with its <see cref="SalesforceReason"/>,
/// exception type, transience and the diagnosis text. The mapper adds evidence (times, audience, thumbprint) on top.
/// </summary>
/// <remarks>
/// Matching (Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm): <c>error</c> exactly (ordinal), <c>error_description</c> ignoring case. A row with no
/// description is the fallback for its <c>error</c>. <c>invalid_grant</c> has no fallback: an unknown description is
/// <see cref="SalesforceReason.Unknown"/>, raw values kept.
/// </remarks>
internal static class ErrorCatalog
{
    private const string AppPolicies = "Setup → App Manager → <your app> → Manage → Edit Policies";
    private const string EcaPolicies = "Setup → External Client App Manager → <your app> → Policies → Edit → OAuth Policies";
    private const string PreAuthorize = AppPolicies + " → Permitted Users = \"Admin approved users are pre-authorized\", then Manage Profiles / Manage Permission Sets and add the user's profile or a permission set assigned to the user.";
    private const string PreAuthorizeEca = EcaPolicies + " → Permitted Users = \"Admin approved users are pre-authorized\", and select the user's profile or permission set (External Client Apps deny by default).";
    private const string RefreshScope = "Setup → App Manager → <your app> → Edit → Selected OAuth Scopes: add \"Perform requests at any time (refresh_token, offline_access)\" next to the scopes the calls need (for example api).";
    private const string UploadCertificate = "Setup → App Manager → <your app> → Edit → Enable OAuth Settings → tick \"Use digital signatures\" and upload the certificate (.crt) whose public key matches the signing key; for an External Client App: External Client App Manager → <your app> → Settings → OAuth Settings → Enable JWT Bearer Flow and upload the certificate.";
    private const string LoginHistory = "Setup → Login History shows the failed attempt for the user with a status that names the cause.";

    private static readonly Uri ErrorsDoc = new("https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm");
    private static readonly Uri JwtDoc = new("https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5");
    private static readonly Uri SamlDoc = new("https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&type=5");
    private static readonly Uri ClientCredentialsDoc = new("https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&type=5");
    private static readonly Uri RefreshDoc = new("https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_refresh_token_flow.htm&type=5");
    private static readonly Uri RefreshConcurrencyDoc = new("https://help.salesforce.com/s/articleView?id=release-notes.rn_security_refresh_token_error.htm&release=252&type=5");
    private static readonly Uri ApprovalsDoc = new("https://help.salesforce.com/s/articleView?id=platform.remoteaccess_request_approve.htm&type=5");
    private static readonly Uri PasswordFlowDoc = new("https://help.salesforce.com/s/articleView?id=release-notes.rn_security_username-password_flow_blocked_by_default.htm&release=244&type=5");
    private static readonly Uri RevokeDoc = new("https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&type=5");
    private static readonly Uri LoginRateDoc = new("https://help.salesforce.com/s/articleView?id=000381578&type=1");
    private static readonly Uri EndpointsDoc = new("https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&type=5");
    private static readonly Uri EcaDoc = new("https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_flows_ca.htm&type=5");
    private static readonly Uri RestErrorsDoc = new("https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm");

    private static readonly SalesforceFlow[] BearerFlows = [SalesforceFlow.JwtBearer, SalesforceFlow.SamlBearer];
    private static readonly SalesforceFlow[] RefreshFlow = [SalesforceFlow.RefreshToken];

    /// <summary>
    /// Every row, OAuth first, then REST, then transport, then what the library finds itself. Causes the mapper's evidence can state or rule out carry an
    /// id from <see cref="ErrorCauseIds"/>; the order of causes is only their likelihood.
    /// </summary>
    public static IReadOnlyList<ErrorCatalogEntry> Entries { get; } =
    [
        // ---- invalid_grant (Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm) ----
        OAuth("invalid_grant.user_not_approved", "invalid_grant", "user hasn't approved this consumer", SalesforceReason.ConsumerNotApproved,
            "The user is not authorized to use this app: bearer flows need admin pre-authorization or an earlier approval that issued a refresh token.",
            [
                "The app's Permitted Users is \"All users may self-authorize\" and the user never approved it through an interactive flow.",
                "Admin pre-authorization is on, but the user's profile or a permission set assigned to the user is not added to the app.",
                "The app's selected scopes lack \"refresh_token, offline_access\", or the earlier approval came from a flow that issued no refresh token.",
                "For an External Client App: the app's OAuth policies do not admit the user (External Client Apps deny by default).",
                "A sixth approval for the same user and app revoked the oldest one (at most 5 per user and app).",
                "The audience or host does not fit the org (a custom host with the wrong aud).",
                "The app was changed minutes ago and the change has not propagated yet (2-10 minutes).",
            ],
            [PreAuthorize, PreAuthorizeEca, RefreshScope, "Wait 2-10 minutes after changing the app, then retry."],
            JwtDoc),
        OAuth("invalid_grant.expired_authorization_code.bearer", "invalid_grant", "expired authorization code", SalesforceReason.AssertionExpired,
            "The assertion had already expired by Salesforce's clock.",
            [
                Cause(ErrorCauseIds.ClockBehind, "The local clock is behind Salesforce's (NTP not running, a container or VM clock that drifted)."),
                Cause(ErrorCauseIds.LocalTimeAsUtc, "The expiry was computed from local time as if it were UTC (a time-zone offset applied the wrong way), which puts it hours in the past."),
                Cause(ErrorCauseIds.ValidityTooShort, "The validity is too short or in the wrong unit (seconds vs minutes), so latency uses it up."),
            ],
            [
                "Synchronise the clock with NTP (Linux: timedatectl set-ntp true; Windows: w32tm /resync); in a container fix the host's clock.",
                "Keep SalesforceClientOptions.ClockSkewCompensation = true (the default) so assertion times follow Salesforce's Date header.",
                "Compute exp from UTC epoch seconds plus 2-3 minutes (SalesforceClientOptions.AssertionLifetime, default 3 minutes).",
            ],
            JwtDoc,
            flows: BearerFlows),
        OAuth("invalid_grant.expired_authorization_code.refresh", "invalid_grant", "expired authorization code", SalesforceReason.RefreshInProgress,
            "Another request was refreshing with the same refresh token at the same moment (the pre-Winter '25 wording of \"token request is already being processed\").",
            [
                "Several workers or instances refreshed with the same refresh token at once; Salesforce lets only the first through (since Summer '24).",
            ],
            [
                "Refresh single-flight per refresh token and let waiters reuse the in-flight result.",
                "Do not resend the same refresh token: with refresh token rotation a resend counts as reuse and revokes the whole chain.",
            ],
            RefreshConcurrencyDoc,
            flows: RefreshFlow),
        OAuth("invalid_grant.expired_refresh_token", "invalid_grant", "expired access/refresh token", SalesforceReason.RefreshTokenExpired,
            "The refresh token is revoked, expired or unknown; the user must authorize the app again.",
            [
                "The app's Refresh Token Policy expired it (immediately, after a lifetime, or after inactivity).",
                "A newer approval evicted it: at most 5 approvals (refresh tokens) per user and app, the oldest is revoked.",
                "An administrator or the /revoke endpoint revoked it.",
                "Refresh token rotation is on and an already-rotated token was reused, which revokes the whole chain.",
                "The user was deactivated, frozen or changed the password, or the sandbox was refreshed.",
                "The token was never a usable refresh token: the authorization did not request refresh_token/offline_access, or the app's selected scopes lack it.",
                "The request went to another org or environment than the one that issued the token.",
            ],
            [
                AppPolicies + " → Refresh Token Policy = \"Refresh token is valid until revoked\".",
                RefreshScope,
                "Have the user authorize the app again and store the new refresh token durably; with rotation, store each new one before using the access token.",
                "Stop repeated interactive approvals for the same user (each one can evict an older token).",
            ],
            RefreshDoc),
        OAuth("invalid_grant.refresh_in_progress", "invalid_grant", "token request is already being processed", SalesforceReason.RefreshInProgress,
            "Another request is refreshing with the same refresh token right now; Salesforce lets only one through.",
            ["Several workers or instances refreshed with the same refresh token at once (blocked since Summer '24, this wording since Winter '25)."],
            [
                "Refresh single-flight per refresh token and let waiters reuse the in-flight result.",
                "Do not resend the same refresh token: with refresh token rotation a resend counts as reuse and revokes the whole chain.",
            ],
            RefreshConcurrencyDoc),
        OAuth("invalid_grant.authentication_failure", "invalid_grant", "authentication failure", SalesforceReason.AuthenticationFailure,
            "Salesforce rejected the user's authentication.",
            [
                "The username-password flow is blocked (orgs created in Summer '23 or later block it by default).",
                "The password or the security token is wrong, or the password changed.",
                "The user lacks API access (\"API Enabled\"), or the org blocks the login.",
            ],
            ["Move to the JWT bearer or client credentials flow (the username-password flow is being retired).", "Setup → OAuth and OpenID Connect Settings → Allow OAuth Username-Password Flows (temporary only).", LoginHistory],
            PasswordFlowDoc),
        OAuth("invalid_grant.invalid_user_credentials", "invalid_grant", "invalid user credentials", SalesforceReason.AuthenticationFailure,
            "The username or password was rejected.",
            ["The password or the appended security token is wrong.", "The username-password flow is blocked in the org."],
            ["Check the credentials, or move to the JWT bearer or client credentials flow.", LoginHistory],
            ErrorsDoc),
        OAuth("invalid_grant.invalid_assertion", "invalid_grant", "invalid assertion", SalesforceReason.InvalidAssertion,
            "Salesforce rejected the assertion: its signature, format or user did not validate.",
            [
                Cause(ErrorCauseIds.KeyMismatch, "The private key does not match the certificate uploaded to the app."),
                "No certificate is uploaded, or \"Use digital signatures\" is off (External Client App: JWT bearer flow not enabled).",
                Cause(ErrorCauseIds.UserNotInOrg, "The subject is not a user of the org reached (for example a sandbox user sent to login.salesforce.com)."),
                Cause(ErrorCauseIds.SamlEncoding, "SAML: the assertion was encoded with standard base64 instead of base64url, or the signature is misplaced (it must follow Issuer)."),
            ],
            [UploadCertificate, "Send sandbox users to https://test.salesforce.com or the sandbox My Domain; production users to https://login.salesforce.com or the My Domain.", LoginHistory],
            JwtDoc),
        OAuth("invalid_grant.audience_is_invalid", "invalid_grant", "audience is invalid", SalesforceReason.AudienceInvalid,
            "Salesforce rejected the assertion's audience.",
            [
                Cause(ErrorCauseIds.AudienceEnvironment, "A production audience for a sandbox user, or a sandbox audience for a production user."),
                Cause(ErrorCauseIds.AudienceMalformed, "The audience is not a single absolute URL (an array, a bare host name, a trailing slash)."),
                "An Experience Cloud site URL that is not a site of this org.",
            ],
            [
                "Use https://login.salesforce.com for production and Developer Edition orgs, https://test.salesforce.com for sandboxes, the site URL for Experience Cloud site users, or the My Domain URL (SalesforceClientOptions.UseMyDomainAsAudience; recommended for External Client Apps).",
                "Set SalesforceClientOptions.Audience to override the derived value.",
            ],
            JwtDoc),
        OAuth("invalid_grant.audience_validation_failed", "invalid_grant", "Audience validation failed", SalesforceReason.AudienceInvalid,
            "Salesforce rejected the assertion's audience.",
            [
                Cause(ErrorCauseIds.AudienceEnvironment, "A production audience for a sandbox user, or a sandbox audience for a production user."),
                Cause(ErrorCauseIds.AudienceMalformed, "The audience is not a single absolute URL (an array, a bare host name, a trailing slash)."),
                "SAML: the Audience element is not https://login.salesforce.com, https://test.salesforce.com or the site URL.",
            ],
            ["Use https://login.salesforce.com for production, https://test.salesforce.com for sandboxes, or the site URL for site users (SalesforceClientOptions.Audience)."],
            SamlDoc),
        OAuth("invalid_grant.ip_restricted_or_hours", "invalid_grant", "IP restricted or invalid login hours", SalesforceReason.LoginRestricted,
            "The login was refused because of the user's login IP ranges or login hours.",
            ["The caller's IP address is outside the profile's Login IP Ranges.", "The request falls outside the profile's Login Hours.", "The app's IP Relaxation is \"Enforce IP restrictions\"."],
            [AppPolicies + " → IP Relaxation = \"Relax IP restrictions\".", "Setup → Profiles → <the user's profile> → Login IP Ranges / Login Hours: add the caller's range."],
            ErrorsDoc),
        OAuth("invalid_grant.ip_restricted", "invalid_grant", "ip restricted", SalesforceReason.LoginRestricted,
            "The login was refused because the caller's IP address is not allowed.",
            ["The caller's IP address is outside the profile's Login IP Ranges or the org's trusted ranges.", "The app's IP Relaxation is \"Enforce IP restrictions\"."],
            [AppPolicies + " → IP Relaxation = \"Relax IP restrictions\".", "Setup → Profiles → <the user's profile> → Login IP Ranges: add the caller's range."],
            ErrorsDoc),
        OAuth("invalid_grant.inactive_user", "invalid_grant", "inactive user", SalesforceReason.UserInactive,
            "The user is deactivated.",
            ["The integration user was deactivated or frozen."],
            ["Setup → Users → <the user> → Edit → tick Active (and unfreeze), or configure another user."],
            ErrorsDoc),
        OAuth("invalid_grant.wrong_domain", "invalid_grant", "request not supported on this domain", SalesforceReason.WrongDomain,
            "The client credentials flow only works on the org's My Domain, not on the shared login service.",
            ["The token request went to login.salesforce.com or test.salesforce.com instead of the org's My Domain."],
            ["Set SalesforceClientOptions.LoginUrl to https://<MyDomain>.my.salesforce.com (Setup → My Domain shows it; sandboxes: https://<MyDomain>--<sandbox>.sandbox.my.salesforce.com)."],
            ClientCredentialsDoc),
        OAuth("invalid_grant.no_client_credentials_user", "invalid_grant", "no client credentials user enabled", SalesforceReason.ClientCredentialsUserMissing,
            "The app has no Run As user for the client credentials flow.",
            ["The app's Client Credentials Flow policy has no Run As user."],
            [
                AppPolicies + " → Client Credentials Flow → Run As = an API-only integration user (Salesforce Integration licence, \"Minimum Access - API Only Integrations\" profile).",
                "External Client App: " + EcaPolicies + " → Enable Client Credentials Flow → Run As (Username).",
            ],
            ClientCredentialsDoc),
        OAuth("invalid_grant.activation_secret_invalid", "invalid_grant", "activation secret invalid", SalesforceReason.AuthenticationFailure,
            "Salesforce's identity verification (device activation) failed for this login.",
            ["The login needed identity verification that a server-to-server flow cannot complete."],
            ["Use a flow without an interactive step (JWT bearer or client credentials) for an API-only integration user.", LoginHistory],
            ErrorsDoc),
        OAuth("invalid_grant.invalid_authorization_code", "invalid_grant", "invalid authorization code", SalesforceReason.AuthenticationFailure,
            "The authorization code is unknown or was already used.",
            ["The code was used twice, or belongs to another app or org."],
            ["Run the interactive authorization again and exchange the code once, promptly."],
            ErrorsDoc),

        // ---- other OAuth error codes (Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm) ----
        OAuth("invalid_client_id", "invalid_client_id", null, SalesforceReason.InvalidClientId,
            "Salesforce does not know the consumer key in the org reached.",
            [
                "The consumer key was copied wrongly.",
                "The app belongs to another org or environment (a sandbox app against production, or the reverse).",
                "The app was created minutes ago and has not propagated yet (2-10 minutes), or it was deleted.",
            ],
            ["Copy the key again: Setup → App Manager → <your app> → View → Manage Consumer Details → Consumer Key.", "Point at the org that owns the app.", "Wait 2-10 minutes after creating the app."],
            ErrorsDoc),
        OAuth("invalid_client", "invalid_client", null, SalesforceReason.InvalidClientCredentials,
            "Salesforce rejected the client authentication: the consumer secret is wrong or belongs to another app.",
            ["The consumer secret was rotated or copied wrongly.", "The secret belongs to another app than the consumer key.", "For a refresh: the refresh token was revoked (seen with this error)."],
            ["Use the current secret: Setup → App Manager → <your app> → View → Manage Consumer Details → Consumer Secret (SalesforceClientOptions.ClientSecret)."],
            ErrorsDoc),
        OAuth("invalid_client_credentials", "invalid_client_credentials", null, SalesforceReason.InvalidClientCredentials,
            "Salesforce rejected the consumer secret.",
            ["The consumer secret is wrong or was rotated."],
            ["Use the current secret: Setup → App Manager → <your app> → View → Manage Consumer Details → Consumer Secret."],
            ErrorsDoc),
        OAuth("invalid_app_access", "invalid_app_access", null, SalesforceReason.AppAccessDenied,
            "The user is not assigned to this admin-approved app.",
            ["The app admits only admin-approved users (or API Access Control is on) and the user's profile or permission set is not assigned to it."],
            ["Setup → App Manager → <your app> → Manage → Manage Profiles / Manage Permission Sets: add the user's profile or permission set.", PreAuthorizeEca],
            EcaDoc),
        OAuth("app_not_found", "app_not_found", null, SalesforceReason.AppNotFound,
            "The External Client App is not installed or enabled in the org reached.",
            [
                "The External Client App is packaged and not installed in this org, or the request went to another org.",
                "The audience is https://test.salesforce.com with an External Client App (reported to fail since Spring '26).",
            ],
            ["Install or enable the app: Setup → External Client App Manager.", "Use the My Domain URL as the audience (SalesforceClientOptions.UseMyDomainAsAudience)."],
            EcaDoc),
        OAuth("unsupported_grant_type", "unsupported_grant_type", null, SalesforceReason.UnsupportedGrantType,
            "Salesforce does not accept this grant type for the app.",
            ["The flow is not enabled on the app (for example Enable Client Credentials Flow, or an External Client App without the JWT bearer flow).", "The body was not form-encoded (JSON bodies are not parsed), or grant_type is misspelled."],
            ["Setup → App Manager → <your app> → Edit → Enable OAuth Settings: enable the flow (for client credentials tick \"Enable Client Credentials Flow\"); External Client App: Settings → OAuth Settings → Flow Enablement."],
            EndpointsDoc),
        OAuth("invalid_request.https_required", "invalid_request", "HTTPS required", SalesforceReason.InvalidRequest,
            "Salesforce requires HTTPS for the token endpoint.",
            ["The login URL uses http://."],
            ["Use an https:// SalesforceClientOptions.LoginUrl."],
            EndpointsDoc),
        OAuth("invalid_request.must_use_post", "invalid_request", "must use HTTP POST", SalesforceReason.InvalidRequest,
            "The token request arrived as a GET.",
            ["A redirect (302) was followed automatically, which turns a POST into a GET."],
            ["Point SalesforceClientOptions.LoginUrl at the final host (the org's My Domain) so no redirect is needed."],
            EndpointsDoc),
        OAuth("invalid_request", "invalid_request", null, SalesforceReason.InvalidRequest,
            "Salesforce rejected the request as malformed.",
            ["A parameter is missing or malformed (secret type, PKCE code challenge or verifier, HTTPS, method)."],
            [LoginHistory],
            ErrorsDoc),
        OAuth("invalid_scope", "invalid_scope", null, SalesforceReason.InvalidScope,
            "The requested scope is invalid, unknown or malformed.",
            ["The scope parameter names a scope the app does not have selected, or is malformed."],
            ["Request only scopes selected on the app (Setup → App Manager → <your app> → Edit → Selected OAuth Scopes), space separated (SalesforceClientOptions.Scope)."],
            ErrorsDoc),
        OAuth("inactive_user", "inactive_user", null, SalesforceReason.UserInactive,
            "The user is deactivated.",
            ["The integration user was deactivated or frozen."],
            ["Setup → Users → <the user> → Edit → tick Active (and unfreeze), or configure another user."],
            ErrorsDoc),
        OAuth("inactive_org", "inactive_org", null, SalesforceReason.OrgInactive,
            "The organization is locked, closed or suspended.",
            ["The org (often a trial, scratch org or sandbox) was locked, closed, suspended or deleted."],
            ["Use an active org, or contact Salesforce Support about the org's status."],
            ErrorsDoc),
        OAuth("rate_limit_exceeded", "rate_limit_exceeded", null, SalesforceReason.RateLimited,
            "Salesforce's login rate limit was reached (3,600 logins per user per hour).",
            ["A token is requested per call instead of being cached.", "Many instances log in as the same user."],
            ["Cache tokens and share them across instances (the caching handler does this); back off before retrying."],
            LoginRateDoc,
            transient: true),
        OAuth("invalid_token", "invalid_token", null, SalesforceReason.InvalidRequest,
            "The token sent to the revoke endpoint is invalid, already revoked or expired.",
            ["The token was already revoked or has expired.", "The token belongs to another org."],
            ["Nothing to revoke: treat the token as gone."],
            RevokeDoc),
        OAuth("unsupported_token_type", "unsupported_token_type", null, SalesforceReason.InvalidRequest,
            "The revoke endpoint does not support this token type.",
            ["The value sent is not an access or refresh token."],
            ["Send an access token or a refresh token to /services/oauth2/revoke."],
            RevokeDoc),
        OAuth("access_denied", "access_denied", null, SalesforceReason.ConsumerNotApproved,
            "The user denied the app access.",
            ["The user refused the approval, or the app's policies do not admit the user."],
            [PreAuthorize],
            ErrorsDoc),
        OAuth("unsupported_response_type", "unsupported_response_type", null, SalesforceReason.InvalidRequest,
            "The authorize endpoint does not support this response_type.", ["A wrong response_type in an interactive flow."], ["Use response_type=code."], ErrorsDoc),
        OAuth("redirect_uri_missing", "redirect_uri_missing", null, SalesforceReason.InvalidRequest,
            "The authorize request has no redirect_uri.", ["redirect_uri was not sent."], ["Send the app's callback URL as redirect_uri."], ErrorsDoc),
        OAuth("redirect_uri_mismatch", "redirect_uri_mismatch", null, SalesforceReason.InvalidRequest,
            "The redirect_uri is not one of the app's callback URLs.", ["The callback URL differs from the app's list."], ["Setup → App Manager → <your app> → Edit → Callback URL: add the URL."], ErrorsDoc),
        OAuth("immediate_unsuccessful", "immediate_unsuccessful", null, SalesforceReason.InvalidRequest,
            "The silent (immediate) authorization could not complete.", ["The user must log in or approve interactively."], ["Run the interactive flow once."], ErrorsDoc),

        // ---- REST API (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&type=5; REST API Developer Guide "Status Codes and Error Responses", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm; Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm) ----
        Rest("rest.invalid_session_id", "INVALID_SESSION_ID", "Session expired or invalid", SalesforceReason.SessionExpired, RestAuthFailure.SessionExpired,
            "The REST API refused the access token as an expired or invalid session.",
            [
                "The request went to a host other than the instance_url returned with the token (another pod or org), so even a fresh token is refused.",
                "The session timed out or was revoked (admin, /revoke, refresh token rotation reuse, a sixth approval).",
                "The sandbox was refreshed or the org deleted: the token's org id no longer exists.",
                "The token belongs to a different org than the URL.",
            ],
            ["Send each request to the instance_url stored with its token (the caching handler rewrites the host).", "Get a new token once and retry once; if that fails too, check the host and the org."],
            RestErrorsDoc),
        Rest("rest.session_not_valid_for_rest", "INVALID_SESSION_ID", "This session is not valid for use with the REST API", SalesforceReason.LoginRestricted, RestAuthFailure.NotRenewable,
            "The session cannot be used with the REST API; a new token of the same kind will be refused too.",
            [
                "The app's or profile's session policy requires a High Assurance session, which a server-to-server flow cannot meet.",
                "IP locking of the session, or the app's IP Relaxation policy.",
                "The session type cannot call the API (for example a UI-only session).",
            ],
            [AppPolicies + " → Session Policies → High Assurance session required: untick it for the integration app.", AppPolicies + " → IP Relaxation = \"Relax IP restrictions\"."],
            RestErrorsDoc),
        Rest("rest.invalid_session_id.other", "INVALID_SESSION_ID", null, SalesforceReason.SessionExpired, RestAuthFailure.SessionExpired,
            "The REST API refused the access token as an invalid session.",
            ["The session expired or was revoked.", "The request went to a host other than the token's instance_url."],
            ["Get a new token once and retry once at the token's instance_url."],
            RestErrorsDoc),
        Rest("rest.invalid_jwt_format", "INVALID_AUTH_HEADER", "INVALID_JWT_FORMAT", SalesforceReason.SessionExpired, RestAuthFailure.SessionExpired,
            "The REST API refused the JWT-based access token as malformed or expired.",
            ["The JWT-based access token expired.", "The token was altered or truncated on the way."],
            ["Get a new token once and retry once."],
            RestErrorsDoc),
        Rest("rest.invalid_header_type", "INVALID_AUTH_HEADER", "INVALID_HEADER_TYPE", SalesforceReason.InvalidRequest, RestAuthFailure.NotRenewable,
            "The Authorization header is missing or malformed.",
            ["The request carried no Authorization header, or not in the form \"Bearer <token>\"."],
            ["Send Authorization: Bearer <access token> (the caching handler does this)."],
            RestErrorsDoc),
        Rest("rest.invalid_scopes", "INVALID_AUTH_HEADER", "INVALID_SCOPES", SalesforceReason.InvalidScope, RestAuthFailure.NotRenewable,
            "The access token's scopes do not allow this API.",
            ["The app's selected OAuth scopes lack the scope this API needs (for example api, cdp_*, chatter_api)."],
            ["Setup → App Manager → <your app> → Edit → Selected OAuth Scopes: add the scope, then get a new token (existing tokens keep their scopes)."],
            RestErrorsDoc),
        Rest("rest.invalid_auth_header.other", "INVALID_AUTH_HEADER", null, SalesforceReason.InvalidRequest, RestAuthFailure.NotRenewable,
            "The REST API rejected the Authorization header.",
            ["The header is malformed or carries an unusable token."],
            ["Send Authorization: Bearer <access token>."],
            RestErrorsDoc),
        Rest("rest.request_limit_exceeded", "REQUEST_LIMIT_EXCEEDED", null, SalesforceReason.RateLimited, RestAuthFailure.None,
            "The org's API request limit is used up (or too many long-running requests run at once).",
            ["The org's rolling 24-hour API request limit (TotalRequests) is exhausted.", "Too many concurrent long-running requests (ConcurrentPerOrgLongTxn)."],
            ["Back off; watch the Sforce-Limit-Info header (api-usage=used/limit); Setup → Company Information → API Requests, Last 24 Hours shows the usage."],
            RestErrorsDoc,
            transient: true),
        Rest("rest.bad_oauth_token", "Bad_OAuth_Token", null, SalesforceReason.SessionExpired, RestAuthFailure.SessionExpired,
            "The OAuth endpoint (userinfo, identity URL) refused the access token as invalid or expired.",
            ["The session expired or was revoked.", "The token belongs to another org."],
            ["Get a new token once and retry once."],
            RestErrorsDoc),
        Rest("rest.missing_oauth_token", "Missing_OAuth_Token", null, SalesforceReason.InvalidRequest, RestAuthFailure.NotRenewable,
            "The request carried no access token.",
            ["No Authorization header was sent."],
            ["Send Authorization: Bearer <access token> (the caching handler does this)."],
            RestErrorsDoc),

        // ---- transport and malformed answers (Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm; Salesforce Help knowledge article 000381578 (login rate limits), https://help.salesforce.com/s/articleView?id=000381578&type=1) ----
        Transport("transport.network", SalesforceReason.ServiceUnavailable, true,
            "Salesforce could not be reached (network failure or timeout) and the retries did not help.",
            ["A network, DNS, proxy or TLS problem between this host and Salesforce.", "A Salesforce incident or maintenance window.", "The attempt timeout is too short for the network."],
            ["Check connectivity to the login host; see https://status.salesforce.com for incidents.", "Retry later; raise SalesforceClientOptions.AttemptTimeout if the network is slow."]),
        Transport("transport.server_error", SalesforceReason.ServiceUnavailable, true,
            "Salesforce answered with a server error.",
            ["A Salesforce incident or maintenance window.", "A proxy or load balancer between this host and Salesforce failed."],
            ["Retry later; see https://status.salesforce.com for incidents."]),
        Transport("transport.not_json", SalesforceReason.ServiceUnavailable, true,
            "Salesforce answered with a page instead of a JSON error (a maintenance page, a proxy, or a host that is not a token endpoint).",
            ["A maintenance window or incident page.", "A proxy or firewall answered instead of Salesforce.", "The login URL is not a token endpoint (for example a lightning.force.com URL)."],
            ["Retry later; check SalesforceClientOptions.LoginUrl is login.salesforce.com, test.salesforce.com, the My Domain or a site URL."]),
        Transport("transport.not_found", SalesforceReason.UnexpectedResponse, false,
            "The token endpoint URL does not exist (HTTP 404): LoginUrl is not a Salesforce login host, or carries a path.",
            [
                "LoginUrl already ends in /services/oauth2/token (the library appends it), or carries another path.",
                "LoginUrl is not a login host: for example the Lightning UI host (*.lightning.force.com) instead of the My Domain (*.my.salesforce.com), or a site URL without its path prefix.",
                "A proxy or firewall answered instead of Salesforce.",
            ],
            ["Set LoginUrl to https://login.salesforce.com, https://test.salesforce.com, the My Domain (https://<name>.my.salesforce.com) or the Experience Cloud site URL, without /services/oauth2/token."]),
        Transport("transport.rate_limited", SalesforceReason.RateLimited, true,
            "Salesforce (or a proxy) answered 429 Too Many Requests.",
            ["Too many token requests: tokens are not cached or shared."],
            ["Back off (honour Retry-After) and cache tokens."]),
        Transport("transport.unexpected", SalesforceReason.UnexpectedResponse, false,
            "Salesforce answered with a body that is not a valid OAuth error (empty, truncated, malformed, wrongly typed or too large).",
            ["A proxy rewrote or truncated the response.", "The endpoint is not a Salesforce token endpoint.", "Salesforce changed the response shape."],
            ["Check SalesforceClientOptions.LoginUrl and any proxy in between; report the excerpt (never the full body) if it persists."]),
        Transport("transport.untrusted_instance", SalesforceReason.UntrustedInstanceUrl, false,
            "A response pointed to a host that is not a trusted Salesforce domain, so the token was not used there.",
            ["A custom domain not listed as trusted.", "A proxy or a tampered response."],
            ["If the host is yours, add its domain to SalesforceClientOptions.TrustedDomains."]),
        Transport("transport.unknown", SalesforceReason.Unknown, false,
            "Salesforce refused the token request with an error this library does not recognise.",
            ["An error Salesforce added recently; the raw error and error_description are kept on the exception."],
            [LoginHistory]),

        // ---- found by the library (Client): answers it will not use, hosts it will not send a token to ----
        Client("client.response_too_large", SalesforceReason.UnexpectedResponse,
            "An endpoint answered with a body far larger than any Salesforce OAuth answer, so it was not read.",
            ["A proxy, captive portal or another server answers in Salesforce's place.", "LoginUrl points at a host that is not a Salesforce login host."],
            ["Check SalesforceClientOptions.LoginUrl and the network path (proxies) to it."],
            EndpointsDoc),
        Client("client.redirect_unusable", SalesforceReason.UnexpectedResponse,
            "The token endpoint redirected without a usable Location header, or more often than a login host does.",
            ["LoginUrl is not the final host: the login service redirects to the org's My Domain, which may redirect again.", "A proxy or load balancer redirects in Salesforce's place."],
            ["Set SalesforceClientOptions.LoginUrl to the final host, normally the My Domain (https://<name>.my.salesforce.com)."],
            EndpointsDoc),
        Client("client.signature_mismatch", SalesforceReason.UnexpectedResponse,
            "The token response's signature does not match HMAC-SHA256(ClientSecret, id + issued_at), so the token was discarded.",
            ["SalesforceClientOptions.ClientSecret is the consumer secret of another app than ClientId's.", "A proxy altered the response."],
            ["Set ClientSecret to the consumer secret of the app whose consumer key is ClientId (Setup → App Manager → <your app> → View → Manage Consumer Details)."],
            EndpointsDoc),
        Client("client.clock_unusable", SalesforceReason.InvalidRequest,
            "The assertion's times could not be computed from the local clock.",
            ["The system clock is set to a date at the very end of the calendar."],
            ["Set the system clock right and keep it synchronised (NTP: timedatectl set-ntp true; Windows: w32tm /resync)."],
            JwtDoc),
        Client("handler.untrusted_target", SalesforceReason.UntrustedInstanceUrl,
            "A request through a Salesforce client targets a host that is not its token's instance; a Salesforce token is only sent to its own instance.",
            ["The request used an absolute URL to another host (a stale instance URL stored elsewhere, or another API) through the Salesforce client."],
            ["Use a relative URI such as \"/services/data/v62.0/sobjects/Account\": the handler sends it to the token's instance_url.", "Use a separate HttpClient for hosts that are not this org's."],
            EndpointsDoc),
        Client("handler.redirect_followed", SalesforceReason.UntrustedInstanceUrl,
            "The HTTP handler below the Salesforce handler followed a redirect to another host; its answer is refused.",
            ["The client's primary handler follows redirects (AllowAutoRedirect is on).", "A proxy redirected the request."],
            ["Turn automatic redirects off on the client's primary handler (SocketsHttpHandler.AllowAutoRedirect = false): Salesforce's REST API does not redirect."],
            RestErrorsDoc),
        Client("handler.insecure_instance", SalesforceReason.UntrustedInstanceUrl,
            "The token's instance URL is not HTTPS, so the token is not sent there.",
            ["The instance is a local emulator or test server on plain HTTP that is not a loopback address, or AllowInsecureLoopback is off."],
            ["Use HTTPS; for an emulator on a loopback address set SalesforceClientOptions.AllowInsecureLoopback = true."],
            EndpointsDoc),
        Client("handler.session_refused_after_renewal", SalesforceReason.SessionExpired,
            "Salesforce refused a newly issued token with 401 INVALID_SESSION_ID.",
            ["The token is used on another org's or pod's host than the one it was issued for.", "The org was refreshed (sandbox) or deleted, so the org id no longer matches.", "Sessions are revoked right after they are issued (an admin action, a session policy, or another process revoking tokens)."],
            ["Send requests with relative URIs so they go to the instance_url issued with the token.", "Check the org's Session Settings and the app's session policies.", "Run 'sfauth doctor' to check the token request and a call to /services/data/."],
            RestErrorsDoc),
    ];

    /// <summary>Finds the OAuth row for a wire error: exact <c>error</c>, description ignoring case, flow-aware.</summary>
    /// <param name="error">The <c>error</c> as sent.</param>
    /// <param name="description">The <c>error_description</c> as sent.</param>
    /// <param name="flow">The flow used, when known.</param>
    /// <returns>The row, or <see langword="null"/> when the pair is unknown.</returns>
    public static ErrorCatalogEntry? FindOAuth(string error, string? description, SalesforceFlow? flow) => Find(ErrorSource.OAuth, error, description, flow);

    /// <summary>Finds the REST row for an <c>errorCode</c> (or plain-text body) and <c>message</c>.</summary>
    /// <param name="errorCode">The REST <c>errorCode</c> or the plain-text body.</param>
    /// <param name="message">The REST <c>message</c>.</param>
    /// <returns>The row, or <see langword="null"/> when it is not an authentication error this table knows.</returns>
    public static ErrorCatalogEntry? FindRest(string errorCode, string? message) => Find(ErrorSource.Rest, errorCode, message, null);

    /// <summary>The id of the row for a refused <c>instance_url</c>, <c>api_instance_url</c> or redirect target.</summary>
    public const string UntrustedInstanceRow = "transport.untrusted_instance";

    /// <summary>The transport row with this id.</summary>
    /// <param name="id">For example <c>transport.network</c>.</param>
    /// <returns>The row.</returns>
    public static ErrorCatalogEntry Transport(string id) => Row(id, ErrorSource.Transport);

    /// <summary>The transport or client row with this id (the rows no wire error selects).</summary>
    /// <param name="id">For example <c>client.response_too_large</c>.</param>
    /// <returns>The row.</returns>
    public static ErrorCatalogEntry Row(string id) => Row(id, null);

    private static ErrorCatalogEntry Row(string id, ErrorSource? source)
    {
        foreach (var entry in Entries)
        {
            if (entry.Source is ErrorSource.Transport or ErrorSource.Client
                && (source is null || entry.Source == source)
                && string.Equals(entry.Id, id, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(id), id, "No such transport or client row.");
    }

    /// <summary>
    /// The one reason → exception map: the sealed types where a caller acts differently, otherwise the base type.
    /// </summary>
    private static readonly Dictionary<SalesforceReason, (Type Type, Func<string, Exception?, SalesforceErrorDetails, ErrorEvidence, SalesforceAuthenticationException> Create)> Exceptions = new()
    {
        [SalesforceReason.AssertionExpired] = Leaf((m, i, d, e) => new SalesforceAssertionExpiredException(m, i, d, e)),
        [SalesforceReason.ConsumerNotApproved] = Leaf((m, i, d, _) => new SalesforceConsumerNotApprovedException(m, i, d)),
        [SalesforceReason.InvalidAssertion] = Leaf((m, i, d, _) => new SalesforceInvalidAssertionException(m, i, d)),
        [SalesforceReason.AudienceInvalid] = Leaf((m, i, d, e) => new SalesforceAudienceException(m, i, d, e)),
        [SalesforceReason.RefreshTokenExpired] = Leaf((m, i, d, _) => new SalesforceRefreshTokenException(m, i, d)),
        [SalesforceReason.RefreshInProgress] = Leaf((m, i, d, _) => new SalesforceRefreshTokenException(m, i, d)),
        [SalesforceReason.InvalidClientId] = Leaf((m, i, d, _) => new SalesforceInvalidClientException(m, i, d)),
        [SalesforceReason.InvalidClientCredentials] = Leaf((m, i, d, _) => new SalesforceInvalidClientException(m, i, d)),
        [SalesforceReason.RateLimited] = Leaf((m, i, d, e) => new SalesforceRateLimitException(m, i, d, e)),
        [SalesforceReason.ServiceUnavailable] = Leaf((m, i, d, _) => new SalesforceServiceUnavailableException(m, i, d)),
        [SalesforceReason.UntrustedInstanceUrl] = Leaf((m, i, d, e) => new SalesforceUntrustedInstanceException(m, i, d, e)),
        [SalesforceReason.SessionExpired] = Leaf((m, i, d, _) => new SalesforceSessionExpiredException(m, i, d)),
    };

    /// <summary>The exception type for a reason (see <see cref="CreateException"/>).</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The exception type.</returns>
    public static Type ExceptionTypeFor(SalesforceReason reason) =>
        Exceptions.TryGetValue(reason, out var leaf) ? leaf.Type : typeof(SalesforceAuthenticationException);

    /// <summary>
    /// Creates the exception for <see cref="SalesforceErrorDetails.Reason"/>: the sealed type where a caller acts
    /// differently, otherwise the base type. Every exception the library throws for a Salesforce or transport failure
    /// is created here.
    /// </summary>
    /// <param name="message">The message (no secrets).</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <param name="details">The wire data and diagnosis.</param>
    /// <param name="evidence">The values the sealed type exposes (the rate limit's wait, the refused host, …).</param>
    /// <returns>The exception.</returns>
    public static SalesforceAuthenticationException CreateException(string message, Exception? innerException, SalesforceErrorDetails details, ErrorEvidence? evidence = null) =>
        Exceptions.TryGetValue(details.Reason, out var leaf)
            ? leaf.Create(message, innerException, details, evidence ?? ErrorEvidence.None)
            : new SalesforceAuthenticationException(message, innerException, details);

    private static (Type, Func<string, Exception?, SalesforceErrorDetails, ErrorEvidence, SalesforceAuthenticationException>) Leaf<T>(Func<string, Exception?, SalesforceErrorDetails, ErrorEvidence, T> create)
        where T : SalesforceAuthenticationException => (typeof(T), create);

    private static ErrorCatalogEntry? Find(ErrorSource source, string error, string? description, SalesforceFlow? flow)
    {
        ErrorCatalogEntry? fallback = null;
        var trimmed = description?.Trim();
        foreach (var entry in Entries)
        {
            if (entry.Source != source || !string.Equals(entry.Error, error, StringComparison.Ordinal) || !entry.AppliesTo(flow))
            {
                continue;
            }

            if (entry.Description is null)
            {
                fallback ??= entry;
            }
            else if (string.Equals(entry.Description, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        return fallback;
    }

    private static ErrorCause Cause(string id, string text) => new(text) { Id = id };

    private static ErrorCatalogEntry OAuth(string id, string error, string? description, SalesforceReason reason, string summary, ErrorCause[] causes, string[] remedies, Uri documentation, SalesforceFlow[]? flows = null, bool transient = false) => new()
    {
        Id = id,
        Source = ErrorSource.OAuth,
        Error = error,
        Description = description,
        Flows = flows,
        Reason = reason,
        IsTransient = transient,
        Summary = summary,
        Causes = causes,
        Remedies = remedies,
        Documentation = documentation,
    };

    private static ErrorCatalogEntry Rest(string id, string errorCode, string? message, SalesforceReason reason, RestAuthFailure renewal, string summary, ErrorCause[] causes, string[] remedies, Uri documentation, bool transient = false) => new()
    {
        Id = id,
        Source = ErrorSource.Rest,
        Error = errorCode,
        Description = message,
        Reason = reason,
        Renewal = renewal,
        IsTransient = transient,
        Summary = summary,
        Causes = causes,
        Remedies = remedies,
        Documentation = documentation,
    };

    private static ErrorCatalogEntry Client(string id, SalesforceReason reason, string summary, ErrorCause[] causes, string[] remedies, Uri documentation) => new()
    {
        Id = id,
        Source = ErrorSource.Client,
        Error = id,
        Reason = reason,
        Summary = summary,
        Causes = causes,
        Remedies = remedies,
        Documentation = documentation,
    };

    private static ErrorCatalogEntry Transport(string id, SalesforceReason reason, bool transient, string summary, ErrorCause[] causes, string[] remedies) => new()
    {
        Id = id,
        Source = ErrorSource.Transport,
        Error = id,
        Reason = reason,
        IsTransient = transient,
        Summary = summary,
        Causes = causes,
        Remedies = remedies,
        Documentation = ErrorsDoc,
    };
}
