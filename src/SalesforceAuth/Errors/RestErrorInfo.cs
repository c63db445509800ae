namespace SalesforceAuth.Errors;

/// <summary>What a REST API error body says: the first entry of <c>[{"message","errorCode","fields"}]</c>, a plain-text code or an XML session fault.</summary>
/// <param name="ErrorCode">The first <c>errorCode</c>, the plain-text code (<c>Bad_OAuth_Token</c>) or the XML fault code, when found.</param>
/// <param name="Message">The first <c>message</c>, when found.</param>
/// <param name="Fields">The first error's <c>fields</c>.</param>
/// <param name="Count">How many errors the array listed.</param>
internal readonly record struct RestErrorInfo(string? ErrorCode, string? Message, IReadOnlyList<string> Fields, int Count)
{
    public static RestErrorInfo None { get; } = new(null, null, [], 0);
}
