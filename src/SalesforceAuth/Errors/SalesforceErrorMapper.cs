using System.Globalization;
using System.Net;

namespace SalesforceAuth.Errors;

/// <summary>
/// Turns failed Salesforce exchanges into typed exceptions with an evidence-based diagnosis, using the one table in
/// <see cref="ErrorCatalog"/>. Never throws anything but the exception it returns, whatever the body holds.
/// </summary>
internal static class SalesforceErrorMapper
{
    private const string RetryNote = "A retry with a fresh, skew-corrected assertion was already made and was refused too.";

    /// <summary>Maps a failed token endpoint exchange.</summary>
    /// <param name="context">What is known about the failure.</param>
    /// <returns>The exception to throw.</returns>
    public static SalesforceAuthenticationException MapTokenError(TokenErrorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var facts = BaseFacts(context);

        if (context.StatusCode is null)
        {
            var row = ErrorCatalog.Transport("transport.network");
            var summary = row.Summary;
            if (context.TransportException is { } transport)
            {
                var cause = TransportFailure.Describe(transport);
                facts[SalesforceDiagnosisFacts.TransportFailure] = cause;
                var attempts = context.Attempts == 1 ? "1 attempt" : string.Create(CultureInfo.InvariantCulture, $"{context.Attempts} attempts");
                summary = $"{Url(context.Endpoint)} could not be reached: {cause} ({attempts}).";
            }

            return Build(row, context, null, facts, summary, context.TransportException);
        }

        var status = (int)context.StatusCode.Value;
        var body = context.ErrorBody ?? OAuthErrorBody.Read(context.Body, context.MediaType);
        var wire = body.Kind == OAuthErrorBodyKind.OAuthError ? body : default;

        if (status == 429 || (wire.Error is not null && string.Equals(wire.Error, "rate_limit_exceeded", StringComparison.Ordinal)))
        {
            // A 429 may carry any (or no) OAuth error: the status decides, the wire values are kept as sent.
            var row = (wire.Error is null ? null : ErrorCatalog.FindOAuth(wire.Error, wire.Description, context.Flow)) is { Reason: SalesforceReason.RateLimited } rateRow
                ? rateRow
                : ErrorCatalog.Transport("transport.rate_limited");
            if (context.RetryAfter is { } retryAfter)
            {
                facts[SalesforceDiagnosisFacts.RetryAfter] = FormatDuration(retryAfter);
            }

            return Build(row, context, wire, facts, row.Summary, context.TransportException);
        }

        if (status >= 500)
        {
            var row = body.Kind == OAuthErrorBodyKind.NotJson ? ErrorCatalog.Transport("transport.not_json") : ErrorCatalog.Transport("transport.server_error");
            AddExcerpt(facts, context);
            return Build(row, context, wire, facts, $"{row.Summary} (HTTP {status})", context.TransportException);
        }

        if (status == 404 && body.Kind != OAuthErrorBodyKind.OAuthError)
        {
            // A 404 page means the URL itself is wrong, so the URL posted to is the diagnosis; not an outage.
            var row = ErrorCatalog.Transport("transport.not_found");
            AddExcerpt(facts, context);
            return Build(row, context, null, facts, $"The token endpoint {Url(context.Endpoint)} answered 404 Not Found: LoginUrl does not point at a Salesforce login host.", context.TransportException);
        }

        switch (body.Kind)
        {
            case OAuthErrorBodyKind.OAuthError:
                var entry = ErrorCatalog.FindOAuth(body.Error!, body.Description, context.Flow);
                if (entry is null)
                {
                    var unknown = ErrorCatalog.Transport("transport.unknown");
                    return Build(unknown, context, wire, facts, unknown.Summary, context.TransportException);
                }

                return Explain(entry, context, wire, facts);

            case OAuthErrorBodyKind.NotJson:
                var notJson = ErrorCatalog.Transport("transport.not_json");
                AddExcerpt(facts, context);
                return Build(notJson, context, null, facts, $"{notJson.Summary} (HTTP {status}, {Safe(context.MediaType) ?? "no media type"})", context.TransportException);

            default:
                var unexpected = ErrorCatalog.Transport("transport.unexpected");
                facts[SalesforceDiagnosisFacts.Body] = body.Kind switch
                {
                    OAuthErrorBodyKind.Empty => "empty",
                    OAuthErrorBodyKind.TooLarge => string.Create(CultureInfo.InvariantCulture, $"too large ({context.Body!.Length} characters)"),
                    OAuthErrorBodyKind.Malformed => "not valid JSON (truncated or malformed)",
                    _ => "JSON without a string \"error\"",
                };
                AddExcerpt(facts, context);
                return Build(unexpected, context, null, facts, $"{unexpected.Summary} (HTTP {status}, body {facts[SalesforceDiagnosisFacts.Body]})", context.TransportException);
        }
    }

    /// <summary>Maps a token endpoint success response that cannot be used (missing <c>access_token</c>, wrong types).</summary>
    /// <param name="context">What is known; <see cref="TokenErrorContext.Body"/> is the response body.</param>
    /// <param name="problem">What is wrong, in words, without values (for example "access_token is missing").</param>
    /// <returns>An <see cref="SalesforceReason.UnexpectedResponse"/> exception.</returns>
    public static SalesforceAuthenticationException MapUnusableSuccess(TokenErrorContext context, string problem)
    {
        ArgumentNullException.ThrowIfNull(context);
        var facts = BaseFacts(context);
        facts[SalesforceDiagnosisFacts.Problem] = problem;
        AddExcerpt(facts, context);
        var row = ErrorCatalog.Transport("transport.unexpected");
        return Build(row, context, null, facts, $"Salesforce's token response cannot be used: {problem}.", context.TransportException);
    }

    /// <summary>Maps a refused <c>instance_url</c>, <c>api_instance_url</c> or redirect target.</summary>
    /// <param name="refused">The URL that was refused; only its host is kept.</param>
    /// <param name="what">What carried it, for example <c>instance_url</c> or <c>redirect</c>.</param>
    /// <param name="flow">The flow being used, when known.</param>
    /// <returns>The exception to throw.</returns>
    public static SalesforceUntrustedInstanceException UntrustedInstance(Uri refused, string what, SalesforceFlow? flow)
    {
        ArgumentNullException.ThrowIfNull(refused);
        var host = refused.IsAbsoluteUri ? refused.Host : "(relative URL)";
        return (SalesforceUntrustedInstanceException)MapClientError(new ClientErrorContext
        {
            RowId = ErrorCatalog.UntrustedInstanceRow,
            Summary = $"The {what} points to {host}, which is not a trusted Salesforce domain; the token was not sent there.",
            Flow = flow,
            RefusedUrl = refused,
            Facts = new Dictionary<string, string>(StringComparer.Ordinal) { [SalesforceDiagnosisFacts.CarriedBy] = what },
        });
    }

    /// <summary>
    /// Maps what the library itself found wrong (an answer it will not use, a host it will not send a token to, a
    /// request it cannot build) through the same catalogue as Salesforce's answers: the row gives the reason, the
    /// exception type, the causes and the remedies; the context says what happened this time.
    /// </summary>
    /// <param name="context">The row and what is known.</param>
    /// <returns>The exception to throw.</returns>
    public static SalesforceAuthenticationException MapClientError(ClientErrorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var row = ErrorCatalog.Row(context.RowId);
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Endpoint is { IsAbsoluteUri: true } endpoint)
        {
            facts[SalesforceDiagnosisFacts.TokenEndpointHost] = endpoint.Host;
        }

        if (context.LocalTime is { } local)
        {
            facts[SalesforceDiagnosisFacts.LocalTime] = local.ToString("O", CultureInfo.InvariantCulture);
        }

        if (context.ServerTime is { } server)
        {
            facts[SalesforceDiagnosisFacts.ServerTime] = server.ToString("O", CultureInfo.InvariantCulture);
        }

        if (context.Assertion is { } assertion)
        {
            facts[SalesforceDiagnosisFacts.AudienceSent] = assertion.Audience;
            facts[SalesforceDiagnosisFacts.AudienceRule] = assertion.AudienceRule;
        }

        string? refusedHost = null;
        if (context.RefusedUrl is not null)
        {
            // Only the host: a refused URL may carry a token in its query.
            refusedHost = context.RefusedUrl.IsAbsoluteUri ? context.RefusedUrl.Host : null;
            facts[SalesforceDiagnosisFacts.RefusedHost] = refusedHost ?? "(relative URL)";
        }

        if (context.Facts is not null)
        {
            foreach (var (name, value) in context.Facts)
            {
                facts[name] = value;
            }
        }

        var details = Details(row, context.Flow, context.StatusCode, null, context.Summary, facts, null);
        details = details with { Diagnosis = WithSkew(details.Diagnosis!, context.MeasuredSkew) };
        return ErrorCatalog.CreateException(context.Summary, context.InnerException, details, new ErrorEvidence { RefusedHost = refusedHost });
    }

    /// <summary>
    /// Maps a failed REST API response (used by <see cref="SalesforceHttpResponseMessageExtensions.EnsureSalesforceSuccessAsync"/>,
    /// and by the caching handler when a session is refused even after one renewal).
    /// </summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="mediaType">The response media type.</param>
    /// <param name="body">The response body (possibly truncated).</param>
    /// <param name="requestUri">The request URL; only its host is kept.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> delay, when sent.</param>
    /// <param name="limitInfo">The <c>Sforce-Limit-Info</c> header, when sent.</param>
    /// <returns>A <see cref="SalesforceAuthenticationException"/> for authentication failures and limits, otherwise a <see cref="SalesforceApiException"/>.</returns>
    public static Exception MapRestError(HttpStatusCode status, string? mediaType, ReadOnlySpan<byte> body, Uri? requestUri, TimeSpan? retryAfter, string? limitInfo)
    {
        var code = (int)status;
        var info = RestErrorClassifier.Read(body, mediaType);
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SalesforceDiagnosisFacts.HttpStatus] = code.ToString(CultureInfo.InvariantCulture),
        };
        if (requestUri is { IsAbsoluteUri: true })
        {
            facts[SalesforceDiagnosisFacts.RequestHost] = requestUri.Host;
        }

        if (mediaType is not null)
        {
            facts[SalesforceDiagnosisFacts.MediaType] = Safe(mediaType)!;
        }

        if (limitInfo is not null)
        {
            facts[SalesforceDiagnosisFacts.LimitInfo] = Safe(limitInfo)!;
        }

        var row = info.ErrorCode is null ? null : ErrorCatalog.FindRest(info.ErrorCode, info.Message);
        if (row is null && code == 401)
        {
            // A 401 without a recognised body is still a refused session (Metadata API Developer Guide "ProfileSessionSetting", https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_profilesessionsetting.htm).
            row = ErrorCatalog.FindRest("INVALID_SESSION_ID", null);
            if (info.ErrorCode is null)
            {
                AddExcerpt(facts, body);
            }
        }

        if (row is not null)
        {
            return MapRestAuthError(row, status, info.ErrorCode, info.Message, facts, retryAfter);
        }

        string message;
        if (info.ErrorCode is not null)
        {
            message = $"The Salesforce REST API returned HTTP {code} {Safe(info.ErrorCode)}: {Safe(info.Message)}";
        }
        else
        {
            var excerpt = ExcerptOf(body);
            message = $"The Salesforce REST API returned HTTP {code} ({Safe(mediaType) ?? "no media type"}){(excerpt.Length > 0 ? ": " + excerpt : string.Empty)}";
        }

        return new SalesforceApiException(message, status, info);
    }

    /// <summary>Builds the exception for a REST error row (used by the REST extension and the caching handler).</summary>
    internal static SalesforceAuthenticationException MapRestAuthError(ErrorCatalogEntry row, HttpStatusCode status, string? errorCode, string? message, Dictionary<string, string> facts, TimeSpan? retryAfter)
    {
        var summary = row.Summary;
        var wire = $"{Safe(errorCode)}: {Safe(message)}";
        var details = Details(row, null, status, null, summary, facts, null) with { Error = errorCode, ErrorDescription = message };
        var text = $"{summary} [HTTP {(int)status} {wire}]";
        return ErrorCatalog.CreateException(text, null, details, new ErrorEvidence { RetryAfter = retryAfter });
    }

    private static SalesforceAuthenticationException Explain(ErrorCatalogEntry row, TokenErrorContext context, OAuthErrorBody wire, Dictionary<string, string> facts)
    {
        switch (row.Reason)
        {
            case SalesforceReason.AssertionExpired:
                return AssertionExpired(row, context, wire, facts);
            case SalesforceReason.InvalidAssertion:
                return InvalidAssertion(row, context, wire, facts);
            case SalesforceReason.AudienceInvalid:
                return Audience(row, context, wire, facts);
            case SalesforceReason.ConsumerNotApproved:
            case SalesforceReason.AppAccessDenied:
            case SalesforceReason.AppNotFound:
                AddPrincipal(facts, context);
                return Build(row, context, wire, facts, row.Summary, null);
            case SalesforceReason.WrongDomain:
                {
                    var host = context.Endpoint.Host;
                    var cause = SalesforceLoginHost.FromEndpoint(context.Endpoint).IsSharedLoginService
                        ? $"The token request went to {host}, the shared login service; the client credentials flow needs the org's My Domain (https://<MyDomain>.my.salesforce.com)."
                        : $"The token request went to {host}; if that is a custom domain, use the org's My Domain (https://<MyDomain>.my.salesforce.com) instead.";
                    return Build(row, context, wire, facts, row.Summary, null, [cause]);
                }

            case SalesforceReason.ClientCredentialsUserMissing:
                {
                    var cause = $"The app reached at {context.Endpoint.Host} has no Run As user in its Client Credentials Flow policy.";
                    return Build(row, context, wire, facts, row.Summary, null, [cause]);
                }

            case SalesforceReason.InvalidClientId:
                AddPrincipal(facts, context);
                if (SalesforceLoginHost.FromEndpoint(context.Endpoint) is { IsSharedLoginService: true } shared)
                {
                    var env = shared.IsSandbox ? "sandbox" : "production";
                    return Build(row, context, wire, facts, row.Summary, null, [$"The request went to the {env} login service ({context.Endpoint.Host}); the app must exist in an org of that environment."]);
                }

                return Build(row, context, wire, facts, row.Summary, null);

            case SalesforceReason.InvalidClientCredentials:
                facts[SalesforceDiagnosisFacts.ClientSecretConfigured] = context.HasClientSecret ? "yes" : "no";
                return Build(row, context, wire, facts, row.Summary, null,
                    context.HasClientSecret ? null : ["No client secret is configured (SalesforceClientOptions.ClientSecret), but the app requires one for this flow."]);

            case SalesforceReason.UnsupportedGrantType:
                {
                    // The library always sends a well-formed form body, so a disabled flow is the likely cause (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&type=5; Salesforce Help "OAuth Authorization Flows", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_flows_ca.htm&type=5).
                    var setting = context.Flow switch
                    {
                        SalesforceFlow.ClientCredentials => "\"Enable Client Credentials Flow\" is off on the app (External Client App: Settings → OAuth Settings → Flow Enablement → Enable Client Credentials Flow).",
                        SalesforceFlow.JwtBearer => "The JWT bearer flow is not enabled on the app (External Client App: Settings → OAuth Settings → Flow Enablement → Enable JWT Bearer Flow).",
                        SalesforceFlow.TokenExchange => "Token exchange is not enabled on the app (Enable Token Exchange Flow, API 60.0+), or no Apex token exchange handler is assigned.",
                        SalesforceFlow.RefreshToken => "The app does not allow the refresh token flow (the refresh_token, offline_access scope is not selected).",
                        _ => $"The {context.Flow} flow is not enabled on the app.",
                    };
                    return Build(row, context, wire, facts, row.Summary, null, [setting]);
                }

            default:
                return Build(row, context, wire, facts, row.Summary, null);
        }
    }

    private static SalesforceAuthenticationException AssertionExpired(ErrorCatalogEntry row, TokenErrorContext context, OAuthErrorBody wire, Dictionary<string, string> facts)
    {
        var skew = context.MeasuredSkew ?? (context.ServerTime - context.LocalTime);
        var assertion = context.Assertion;
        var evidence = new List<string>();

        // Ids of the row's generic causes that the evidence below states or rules out.
        var covered = new HashSet<string>(StringComparer.Ordinal);

        facts[SalesforceDiagnosisFacts.LocalTime] = FormatTime(context.LocalTime);
        if (context.ServerTime is { } server)
        {
            facts[SalesforceDiagnosisFacts.ServerTime] = FormatTime(server);
        }

        if (assertion is not null)
        {
            facts[SalesforceDiagnosisFacts.AssertionIssuedAt] = FormatTime(assertion.IssuedAt);
            facts[SalesforceDiagnosisFacts.AssertionExpiresAt] = FormatTime(assertion.ExpiresAt);
            facts[SalesforceDiagnosisFacts.AssertionLifetime] = FormatDuration(assertion.Lifetime);
            facts[SalesforceDiagnosisFacts.SkewCompensationApplied] = FormatDuration(assertion.AppliedSkewCompensation);
        }

        string? skewPhrase = null;
        if (skew is { } s)
        {
            skewPhrase = DescribeSkew(s);
            facts[SalesforceDiagnosisFacts.MeasuredSkew] = skewPhrase;
            var applied = assertion?.AppliedSkewCompensation ?? TimeSpan.Zero;
            if (applied != TimeSpan.Zero && (s - applied).Duration() < TimeSpan.FromSeconds(5))
            {
                // The token client already shifted the assertion's times by the measured skew (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5), so the clock
                // difference itself is not what Salesforce refused.
                evidence.Add($"The assertion's times were already corrected by {FormatDuration(applied)} for the measured clock difference, so the clock alone does not explain the refusal: the validity is too short, the request took too long, or Salesforce's clock moved.");
                covered.Add(ErrorCauseIds.ClockBehind);
            }
            else if (IsWholeHours(s, out var hours))
            {
                evidence.Add($"The clock offset ({FormatDuration(s.Duration())}) is within 2 minutes of a whole number of hours ({hours} h): local time is being used as UTC (a time-zone offset applied the wrong way, or a clock set to local time on a host that assumes UTC).");
                covered.UnionWith([ErrorCauseIds.ClockBehind, ErrorCauseIds.LocalTimeAsUtc]);
            }
            else if (s > TimeSpan.FromSeconds(5))
            {
                evidence.Add($"Your clock is {FormatDuration(s)} behind Salesforce: the assertion's times were already in the past for Salesforce (NTP not running, or a container or VM clock that drifted).");
                covered.Add(ErrorCauseIds.ClockBehind);
            }
            else if (s < TimeSpan.FromSeconds(-5))
            {
                evidence.Add($"Your clock is {FormatDuration(s.Duration())} ahead of Salesforce, which alone would not expire the assertion: its exp was computed wrongly.");
                covered.Add(ErrorCauseIds.ClockBehind);
            }
            else
            {
                // The clocks agree, so a slow clock is ruled out by the evidence.
                covered.Add(ErrorCauseIds.ClockBehind);
            }
        }

        if (assertion is not null && context.ServerTime is { } serverTime)
        {
            var expVsServer = assertion.ExpiresAt - serverTime;
            facts[SalesforceDiagnosisFacts.AssertionExpiresVsServerTime] = expVsServer < TimeSpan.Zero
                ? $"{FormatDuration(expVsServer.Duration())} before"
                : $"{FormatDuration(expVsServer)} after";
            var issuedVsServer = assertion.IssuedAt - serverTime;
            if (IsWholeHours(issuedVsServer, out var issuedHours) && (skew is null || !IsWholeHours(skew.Value, out _)))
            {
                evidence.Add($"The assertion's iat is {FormatDuration(issuedVsServer.Duration())} off Salesforce's time, close to a whole number of hours ({issuedHours} h): its times were computed from local time as if it were UTC.");
                covered.Add(ErrorCauseIds.LocalTimeAsUtc);
            }
        }

        if (assertion is not null && assertion.Lifetime < TimeSpan.FromSeconds(60))
        {
            evidence.Add($"The assertion's validity is only {FormatDuration(assertion.Lifetime)} (under 60 s): network latency and any clock difference use it up (SalesforceClientOptions.AssertionLifetime; 2-3 minutes is right).");
            covered.Add(ErrorCauseIds.ValidityTooShort);
        }

        if (context.RetriedWithFreshAssertion)
        {
            facts[SalesforceDiagnosisFacts.RetriedWithFreshAssertion] = "already made, refused too";
        }

        var summary = skewPhrase is not null && skew!.Value.Duration() >= TimeSpan.FromSeconds(5)
            ? $"The assertion had expired by Salesforce's clock: {skewPhrase}."
            : assertion is not null && assertion.Lifetime < TimeSpan.FromSeconds(60)
                ? $"The assertion had expired by Salesforce's clock: its validity of {FormatDuration(assertion.Lifetime)} is too short."
                : row.Summary;
        if (context.RetriedWithFreshAssertion)
        {
            summary = $"{summary} {RetryNote}";
        }

        var details = Details(row, context.Flow, context.StatusCode, wire, summary, facts, Merge(evidence, row.Causes, covered));
        details = details with { Diagnosis = WithSkew(details.Diagnosis!, skew) };
        return ErrorCatalog.CreateException(Message(summary, wire), null, details, new ErrorEvidence
        {
            ClockSkew = skew,
            AssertionExpiresAt = assertion?.ExpiresAt,
            ServerTime = context.ServerTime,
            LocalTime = context.LocalTime,
        });
    }

    private static SalesforceAuthenticationException InvalidAssertion(ErrorCatalogEntry row, TokenErrorContext context, OAuthErrorBody wire, Dictionary<string, string> facts)
    {
        var evidence = new List<string>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var assertion = context.Assertion;
        var host = context.Endpoint.Host;
        AddPrincipal(facts, context);

        if (wire.ErrorUri is { } validator)
        {
            facts[SalesforceDiagnosisFacts.SamlAssertionValidator] = validator.ToString();
            evidence.Add($"Salesforce parsed the assertion and recorded why it failed: open the SAML Assertion Validator at {validator} (Setup → Single Sign-On Settings → SAML Assertion Validator).");
        }

        var login = SalesforceLoginHost.FromEndpoint(context.Endpoint);
        if (assertion is not null && login.ReachesProduction(assertion.Audience) && SalesforceUsername.GetSandboxSuffix(assertion.Subject) is { } suffix)
        {
            var where = login.Kind switch
            {
                SalesforceLoginHostKind.Production => "the production login service",
                SalesforceLoginHostKind.MyDomain => "a production org's My Domain",
                _ => $"a production login (audience {assertion.Audience})",
            };
            evidence.Add($"The username {assertion.Subject} ends in what looks like a sandbox suffix (.{suffix}), but the request went to {host}, {where}: sandbox users exist only in the sandbox. Use {SalesforceAudience.Sandbox} or the sandbox's My Domain.");
            covered.Add(ErrorCauseIds.UserNotInOrg);
        }

        // Salesforce answers the same "invalid assertion" for an unknown user and for a signature it cannot verify, so
        // the causes are ranked by what this side can rule out. A configured certificate was checked against the key
        // when the key was loaded (SalesforceSigningKey refuses a pair that does not match), so then the key is
        // consistent and the user goes first; only a different certificate in the app remains on the key side.
        var userCause = assertion is null
            ? null
            : $"The username {assertion.Subject} is not an active user of the org reached ({host}): check its spelling, that the user exists and is active there, and that it is pre-authorized for the app.";
        var thumbprint = assertion?.CertificateThumbprint;
        if (thumbprint is not null)
        {
            facts[SalesforceDiagnosisFacts.CertificateThumbprint] = thumbprint;
            if (userCause is not null && !covered.Contains(ErrorCauseIds.UserNotInOrg))
            {
                evidence.Add(userCause);
                covered.Add(ErrorCauseIds.UserNotInOrg);
            }

            evidence.Add($"The certificate uploaded to the app is not the one this key belongs to: the key matches the local certificate with SHA-1 thumbprint {thumbprint}; compare it with the certificate in the app's settings (\"Use digital signatures\").");
            covered.Add(ErrorCauseIds.KeyMismatch);
        }
        else
        {
            evidence.Add("The private key does not match the certificate uploaded to the app (no local certificate was configured, so its thumbprint cannot be shown; set CertificatePath to compare).");
            covered.Add(ErrorCauseIds.KeyMismatch);
            if (userCause is not null && !covered.Contains(ErrorCauseIds.UserNotInOrg))
            {
                evidence.Add(userCause);
                covered.Add(ErrorCauseIds.UserNotInOrg);
            }
        }

        if (context.Flow == SalesforceFlow.SamlBearer)
        {
            evidence.Add("SAML: the assertion must be base64url-encoded (- and _, no padding, no line breaks); standard base64 (+ /) is corrupted by form encoding. The signature must follow Issuer and the Recipient must be the token endpoint.");
            covered.Add(ErrorCauseIds.SamlEncoding);
        }
        else
        {
            // The SAML-only cause cannot apply to a JWT.
            covered.Add(ErrorCauseIds.SamlEncoding);
        }

        var summary = row.Summary;
        if (assertion is not null)
        {
            var signedWith = thumbprint is null ? "a key without a configured certificate" : $"the key of certificate {thumbprint}";
            summary += $" Salesforce does not say whether the user or the key is wrong: sub {assertion.Subject}, signed with {signedWith}.";
        }

        if (wire.ErrorUri is not null)
        {
            summary += " The SAML Assertion Validator shows why.";
        }

        var details = Details(row, context.Flow, context.StatusCode, wire, summary, facts, Merge(evidence, row.Causes, covered));
        return ErrorCatalog.CreateException(Message(summary, wire), null, details);
    }

    private static SalesforceAuthenticationException Audience(ErrorCatalogEntry row, TokenErrorContext context, OAuthErrorBody wire, Dictionary<string, string> facts)
    {
        var evidence = new List<string>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var assertion = context.Assertion;
        var host = context.Endpoint.Host;
        var login = SalesforceLoginHost.FromEndpoint(context.Endpoint);
        var expectedAudience = login.DefaultAudience;
        var expected = expectedAudience.Value;
        facts[SalesforceDiagnosisFacts.ExpectedAudience] = expected;
        facts[SalesforceDiagnosisFacts.ExpectedAudienceRule] = expectedAudience.Rule;
        if (assertion is not null)
        {
            facts[SalesforceDiagnosisFacts.AudienceSent] = assertion.Audience;
            facts[SalesforceDiagnosisFacts.AudienceRule] = assertion.AudienceRule;
            var aud = assertion.Audience;
            if (aud.StartsWith('['))
            {
                evidence.Add("The audience sent is an array; Salesforce needs a single string.");
                covered.Add(ErrorCauseIds.AudienceMalformed);
            }
            else if (!Uri.TryCreate(aud, UriKind.Absolute, out var audUri))
            {
                evidence.Add($"The audience sent ({aud}) is not an absolute URL (a bare host name is refused); use {expected}.");
                covered.Add(ErrorCauseIds.AudienceMalformed);
            }
            else
            {
                if (aud.EndsWith('/'))
                {
                    evidence.Add($"The audience sent ({aud}) ends with a slash; send it without one.");
                    covered.Add(ErrorCauseIds.AudienceMalformed);
                }

                if (login.IsSandbox && string.Equals(audUri.Host, "login.salesforce.com", StringComparison.OrdinalIgnoreCase))
                {
                    evidence.Add($"The audience is the production login URL but the request went to the sandbox host {host}: use {SalesforceAudience.Sandbox} (chosen by rule: {assertion.AudienceRule}).");
                    covered.Add(ErrorCauseIds.AudienceEnvironment);
                }
                else if (login.IsProduction && string.Equals(audUri.Host, "test.salesforce.com", StringComparison.OrdinalIgnoreCase))
                {
                    evidence.Add($"The audience is the sandbox login URL but the request went to the production host {host}: use {SalesforceAudience.Production} (chosen by rule: {assertion.AudienceRule}).");
                    covered.Add(ErrorCauseIds.AudienceEnvironment);
                }
                else if (!string.Equals(aud.TrimEnd('/'), expected, StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(aud.TrimEnd('/'), login.LoginUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
                {
                    evidence.Add($"The audience sent ({aud}, chosen by rule: {assertion.AudienceRule}) differs from the usual value for {host} ({expected}).");
                }
            }
        }

        var summary = assertion is null ? row.Summary : $"{row.Summary} We sent {assertion.Audience} ({assertion.AudienceRule}); for {host} use {expected}.";
        var details = Details(row, context.Flow, context.StatusCode, wire, summary, facts, Merge(evidence, row.Causes, covered));
        return ErrorCatalog.CreateException(Message(summary, wire), null, details, new ErrorEvidence
        {
            Audience = assertion?.Audience,
            AudienceRule = assertion?.AudienceRule,
        });
    }

    private static SalesforceAuthenticationException Build(ErrorCatalogEntry row, TokenErrorContext context, OAuthErrorBody? wire, Dictionary<string, string> facts, string summary, Exception? inner, IReadOnlyList<string>? evidence = null)
    {
        var w = wire ?? default;
        var causes = evidence is null ? row.CauseTexts : Merge(evidence, row.Causes);
        var details = Details(row, context.Flow, context.StatusCode, w, summary, facts, causes);
        return ErrorCatalog.CreateException(Message(summary, w), inner, details, new ErrorEvidence { RetryAfter = context.RetryAfter });
    }

    private static SalesforceErrorDetails Details(ErrorCatalogEntry row, SalesforceFlow? flow, HttpStatusCode? status, OAuthErrorBody? wire, string summary, Dictionary<string, string> facts, IReadOnlyList<string>? causes) => new()
    {
        Reason = row.Reason,
        Error = wire?.Error,
        ErrorDescription = wire?.Description,
        ErrorUri = wire?.ErrorUri,
        StatusCode = status,
        Flow = flow,
        IsTransient = row.IsTransient,
        Diagnosis = new SalesforceDiagnosis(summary, causes ?? row.CauseTexts, row.Remedies, row.Documentation) { Facts = facts },
    };

    private static SalesforceDiagnosis WithSkew(SalesforceDiagnosis diagnosis, TimeSpan? skew) =>
        new(diagnosis.Summary, diagnosis.Causes, diagnosis.Remedies, diagnosis.DocumentationUrl) { Facts = diagnosis.Facts, ClockSkew = skew };

    private static string Message(string summary, OAuthErrorBody wire) =>
        wire.Error is null ? summary : $"{summary} [{Safe(wire.Error)}: {Safe(wire.Description)}]";

    private static string[] Merge(IReadOnlyList<string> evidence, IReadOnlyList<ErrorCause> generic, HashSet<string>? covered = null)
    {
        // Evidence-backed causes come first; the generic list follows, minus the causes the evidence already states
        // or rules out (covered holds their ids).
        var merged = new List<string>(evidence.Count + generic.Count);
        merged.AddRange(evidence);
        foreach (var cause in generic)
        {
            if (cause.Id is null || covered is null || !covered.Contains(cause.Id))
            {
                merged.Add(cause.Text);
            }
        }

        return [.. merged];
    }

    private static Dictionary<string, string> BaseFacts(TokenErrorContext context)
    {
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SalesforceDiagnosisFacts.Flow] = context.Flow.ToString(),
            [SalesforceDiagnosisFacts.TokenEndpointHost] = context.Endpoint.IsAbsoluteUri ? context.Endpoint.Host : "(relative)",
            [SalesforceDiagnosisFacts.EndpointUrl] = Url(context.Endpoint),
        };
        if (context.StatusCode is { } status)
        {
            facts[SalesforceDiagnosisFacts.HttpStatus] = ((int)status).ToString(CultureInfo.InvariantCulture);
        }

        if (context.MediaType is not null)
        {
            facts[SalesforceDiagnosisFacts.MediaType] = Safe(context.MediaType)!;
        }

        if (context.Attempts > 1)
        {
            facts[SalesforceDiagnosisFacts.Attempts] = context.Attempts.ToString(CultureInfo.InvariantCulture);
        }

        return facts;
    }

    private static void AddPrincipal(Dictionary<string, string> facts, TokenErrorContext context)
    {
        if (context.Assertion is { } assertion)
        {
            facts[SalesforceDiagnosisFacts.ConsumerKey] = assertion.Issuer;
            facts[SalesforceDiagnosisFacts.Username] = assertion.Subject;
            facts[SalesforceDiagnosisFacts.AudienceSent] = assertion.Audience;
        }
    }

    private static void AddExcerpt(Dictionary<string, string> facts, TokenErrorContext context)
    {
        var excerpt = ResponseSanitizer.Excerpt(context.Body);
        if (excerpt.Length > 0)
        {
            facts[SalesforceDiagnosisFacts.ResponseExcerpt] = excerpt;
        }
    }

    private static void AddExcerpt(Dictionary<string, string> facts, ReadOnlySpan<byte> body)
    {
        var excerpt = ExcerptOf(body);
        if (excerpt.Length > 0)
        {
            facts[SalesforceDiagnosisFacts.ResponseExcerpt] = excerpt;
        }
    }

    // The whole body goes to the sanitizer, which redacts before it cuts (a cut first could leave a credential's head);
    // the callers bound it (ResponseBody.MaxBytes, the REST error read's ceiling).
    private static string ExcerptOf(ReadOnlySpan<byte> body) =>
        body.IsEmpty ? string.Empty : ResponseSanitizer.Excerpt(System.Text.Encoding.UTF8.GetString(body));

    // The endpoint without query or user information: an OAuth endpoint URL carries no secrets in its path.
    internal static string Url(Uri endpoint) => endpoint.IsAbsoluteUri ? endpoint.GetLeftPart(UriPartial.Path) : "(relative)";

    private static string? Safe(string? wire) => wire is null ? null : ResponseSanitizer.Excerpt(wire);

    internal static string DescribeSkew(TimeSpan skew)
    {
        if (skew.Duration() < TimeSpan.FromSeconds(1))
        {
            return "your clock agrees with Salesforce (within 1 s)";
        }

        // Skew is server minus local: positive means the local clock is behind.
        return skew > TimeSpan.Zero
            ? $"your clock is {FormatDuration(skew)} behind Salesforce"
            : $"your clock is {FormatDuration(skew.Duration())} ahead of Salesforce";
    }

    internal static bool IsWholeHours(TimeSpan offset, out int hours)
    {
        var abs = offset.Duration();
        hours = (int)Math.Round(abs.TotalHours, MidpointRounding.AwayFromZero);
        return hours >= 1 && (abs - TimeSpan.FromHours(hours)).Duration() <= TimeSpan.FromMinutes(2);
    }

    internal static string FormatDuration(TimeSpan value)
    {
        // Rounded to the nearest second, as the skew in seconds is printed beside it (599.6 s is "10 min 0 s", not "9 min 59 s").
        var sign = value < TimeSpan.Zero ? "-" : string.Empty;
        var d = TimeSpan.FromSeconds(Math.Round(value.Duration().TotalSeconds, MidpointRounding.AwayFromZero));
        var totalHours = (long)d.TotalHours;
        return totalHours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{sign}{totalHours} h {d.Minutes} min {d.Seconds} s")
            : d.Minutes > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{sign}{d.Minutes} min {d.Seconds} s")
                : string.Create(CultureInfo.InvariantCulture, $"{sign}{d.Seconds} s");
    }

    private static string FormatTime(DateTimeOffset value) =>
        string.Create(CultureInfo.InvariantCulture, $"{value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({value.ToUnixTimeSeconds()})");
}
