namespace SalesforceAuth.Errors;

/// <summary>The names of the catalogue causes that the mapper's evidence can state or rule out.</summary>
internal static class ErrorCauseIds
{
    /// <summary>expired authorization code: the local clock is behind Salesforce's.</summary>
    public const string ClockBehind = "clock_behind";

    /// <summary>expired authorization code: local time used as UTC.</summary>
    public const string LocalTimeAsUtc = "local_time_as_utc";

    /// <summary>expired authorization code: the validity is too short.</summary>
    public const string ValidityTooShort = "validity_too_short";

    /// <summary>invalid assertion: the key does not match the uploaded certificate.</summary>
    public const string KeyMismatch = "key_mismatch";

    /// <summary>invalid assertion: the subject is not a user of the org reached.</summary>
    public const string UserNotInOrg = "user_not_in_org";

    /// <summary>invalid assertion: SAML encoding or signature placement.</summary>
    public const string SamlEncoding = "saml_encoding";

    /// <summary>audience: an audience of the wrong environment (production vs sandbox).</summary>
    public const string AudienceEnvironment = "audience_environment";

    /// <summary>audience: not a single absolute URL.</summary>
    public const string AudienceMalformed = "audience_malformed";
}
