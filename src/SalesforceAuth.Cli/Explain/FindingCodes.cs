namespace SalesforceAuth.Cli.Explain;

/// <summary>The stable finding codes of <c>sfauth explain</c>: part of the tool's contract, scripts match on them.</summary>
internal static class FindingCodes
{
    public const string Malformed = "assertion_malformed";
    public const string AlgNotRs256 = "alg_not_rs256";
    public const string ExpMissing = "exp_missing";
    public const string ExpInPast = "exp_in_past";
    public const string ExpInMilliseconds = "exp_in_milliseconds";
    public const string ExpTooFar = "exp_too_far";
    public const string IatInFuture = "iat_in_future";
    public const string LifetimeTooShort = "lifetime_too_short";
    public const string LocalTimeAsUtc = "local_time_as_utc";
    public const string AudMismatch = "aud_mismatch";
    public const string AudNotUrl = "aud_not_url";
    public const string IssNotConsumerKey = "iss_not_consumer_key";
    public const string SubMissing = "sub_missing";
    public const string SubMismatch = "sub_mismatch";
    public const string SubSandboxSuffixOnProduction = "sub_sandbox_suffix_on_production";
    public const string SignatureInvalid = "signature_invalid";
    public const string CertificateMismatch = "certificate_mismatch";
    public const string SignatureNotChecked = "signature_not_checked";
    public const string SamlRecipientMismatch = "saml_recipient_mismatch";
    public const string SamlAudienceMismatch = "saml_audience_mismatch";
    public const string SamlNotOnOrAfterPast = "saml_not_on_or_after_past";
    public const string SamlNotBeforeFuture = "saml_not_before_future";
    public const string SamlUnsigned = "saml_unsigned";
    public const string SamlNameIdMismatch = "saml_nameid_mismatch";
    public const string SamlStandardBase64 = "saml_standard_base64";
    public const string ResponseError = "response_error";
    public const string ResponseNotOAuthError = "response_not_oauth_error";
}
