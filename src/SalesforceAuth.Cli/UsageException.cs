namespace SalesforceAuth.Cli;

/// <summary>The command line is wrong (unknown command or option, missing or malformed value): exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What to do instead (typo corrections, where the help is); empty for the generic advice.</summary>
    public IReadOnlyList<string> Suggestions { get; init; } = [];
}
