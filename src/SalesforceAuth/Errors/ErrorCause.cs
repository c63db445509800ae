namespace SalesforceAuth.Errors;

/// <summary>
/// One likely cause of a catalogue row. Causes the mapper can confirm or rule out from evidence carry an
/// <see cref="Id"/> (one of <see cref="ErrorCauseIds"/>), so it drops them by name, never by their position in the row.
/// </summary>
/// <param name="Text">The cause, in words.</param>
internal sealed record ErrorCause(string Text)
{
    /// <summary>The name the mapper refers to this cause by, or <see langword="null"/> for a cause it never drops.</summary>
    public string? Id { get; init; }

    /// <summary>A cause without an id.</summary>
    /// <param name="text">The cause, in words.</param>
    public static implicit operator ErrorCause(string text) => new(text);
}
