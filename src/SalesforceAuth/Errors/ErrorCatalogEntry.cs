namespace SalesforceAuth.Errors;

/// <summary>One row of <see cref="ErrorCatalog"/>: how a Salesforce answer is classified and explained.</summary>
internal sealed record ErrorCatalogEntry
{
    /// <summary>A stable name for the row (fixture files are named after it).</summary>
    public required string Id { get; init; }

    /// <summary>Where the answer comes from.</summary>
    public required ErrorSource Source { get; init; }

    /// <summary>The OAuth <c>error</c> or REST <c>errorCode</c>, compared ordinally; for transport rows a name of the case.</summary>
    public required string Error { get; init; }

    /// <summary>The <c>error_description</c> or REST <c>message</c>, compared ignoring case; <see langword="null"/> matches any.</summary>
    public string? Description { get; init; }

    /// <summary>The flows the row applies to; <see langword="null"/> for all.</summary>
    public IReadOnlyList<SalesforceFlow>? Flows { get; init; }

    public required SalesforceReason Reason { get; init; }

    public bool IsTransient { get; init; }

    /// <summary>For REST rows: what the caching handler should do with the token.</summary>
    public RestAuthFailure Renewal { get; init; }

    /// <summary>The exception type thrown for this row (derived from <see cref="Reason"/>; one type per reason group).</summary>
    public Type ExceptionType => ErrorCatalog.ExceptionTypeFor(Reason);

    public required string Summary { get; init; }

    /// <summary>Likely causes, most likely first.</summary>
    public IReadOnlyList<ErrorCause> Causes { get; init; } = [];

    /// <summary>The texts of <see cref="Causes"/>.</summary>
    public IReadOnlyList<string> CauseTexts => [.. Causes.Select(c => c.Text)];

    /// <summary>Fixes, naming the Salesforce setting.</summary>
    public IReadOnlyList<string> Remedies { get; init; } = [];

    public Uri? Documentation { get; init; }

    public bool AppliesTo(SalesforceFlow? flow) => Flows is null || (flow is { } f && Flows.Contains(f));
}
