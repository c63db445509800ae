namespace SalesforceAuth.Tests.Errors;

/// <summary>
/// Credentials the error tests plant in response bodies (the fixture files contain the same strings). Every one holds
/// the marker "leaked", so a scan for the marker also catches a partial leak.
/// </summary>
internal static class TestSecrets
{
    public const string Marker = "leaked";
    public const string AccessToken = "00D5g00000XXXXX!AQ0AQH0dMHZfz972Szmpkb58urFRkgeBGsxLleakedAccessToken";
    public const string RefreshToken = "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJo7Xr34yOQ7GCFUN5DnNPxzDIoGoLeakedRefresh";
    public const string Signature = "q1M6yZ8p0nLeakedSignatureValueAbcDEFghiJKLmnoPQRstuVWxyz0123456789+/==";
    public const string ClientSecret = "LeakedClientSecret9F8E7D6C5B4A3F2E1D0C9B8A7F6E5D4C3B2A1";
    public const string Assertion = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIzTVZHOSIsInN1YiI6ImxlYWtlZCJ9.LeakedAssertionSignaturePartAbcdefghijklmnop";
    public const string IdToken = "eyJraWQiOiIyMjYiLCJhbGciOiJSUzI1NiJ9.eyJsZWFrZWQiOnRydWV9.LeakedIdTokenSignatureAbcdefghijklmnopqrstu";

    public static readonly string[] All = [AccessToken, RefreshToken, Signature, ClientSecret, Assertion, IdToken];

    /// <summary>Everything an exception shows to a log or a user: Message, ToString(), Data and the diagnosis.</summary>
    public static string Surface(Exception exception)
    {
        var parts = new List<string> { exception.Message, exception.ToString() };
        foreach (System.Collections.DictionaryEntry entry in exception.Data)
        {
            parts.Add($"{entry.Key}={entry.Value}");
        }

        if (exception is SalesforceAuthenticationException auth)
        {
            parts.Add(auth.Diagnosis.ToString());
            parts.AddRange(auth.Diagnosis.Facts.Values);
        }

        return string.Join("\n", parts);
    }

    public static void AssertNoSecrets(Exception exception)
    {
        var surface = Surface(exception);
        foreach (var secret in All)
        {
            Assert.DoesNotContain(secret, surface, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Marker, surface, StringComparison.OrdinalIgnoreCase);
    }
}
