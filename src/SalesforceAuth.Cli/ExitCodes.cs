namespace SalesforceAuth.Cli;

/// <summary>The process exit codes: part of the tool's contract, scripts rely on them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Usage = 2;
    public const int Refused = 3;
    public const int Unavailable = 4;
    public const int ApiError = 5;
}
