namespace SalesforceAuth.Errors;

/// <summary>What a token endpoint error body turned out to be.</summary>
internal enum OAuthErrorBodyKind
{
    /// <summary>A JSON object with a string <c>error</c>.</summary>
    OAuthError = 0,

    /// <summary>No body, or only white space.</summary>
    Empty,

    /// <summary>Longer than <see cref="OAuthErrorBody.MaxParsedLength"/>.</summary>
    TooLarge,

    /// <summary>Not JSON at all: HTML, plain text.</summary>
    NotJson,

    /// <summary>JSON that does not parse (truncated, invalid, nested too deep).</summary>
    Malformed,

    /// <summary>Valid JSON without a string <c>error</c> (an array, wrong types, missing fields).</summary>
    WrongShape,
}
