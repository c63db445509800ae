namespace SalesforceAuth.Cli.Doctor;

/// <summary>One step of <c>sfauth doctor</c>.</summary>
/// <param name="Name">A stable machine name (scripts match on it).</param>
/// <param name="Status">Pass, warn or fail.</param>
/// <param name="Detail">What was found.</param>
/// <param name="Causes">Why it may have happened, most likely first (a refused token request), or empty.</param>
/// <param name="Remedies">How to fix it (for warnings and failures), most likely first; each one a separate step.</param>
/// <param name="ExitCode">The exit code this failure stands for (usage, refused, unavailable, API).</param>
internal sealed record DoctorCheck(string Name, DoctorStatus Status, string Detail, IReadOnlyList<string> Causes, IReadOnlyList<string> Remedies, int ExitCode = ExitCodes.Usage)
{
    /// <summary>The first remedy: the JSON contract's <c>remedy</c>.</summary>
    public string? Remedy => Remedies.Count > 0 ? Remedies[0] : null;

    public static DoctorCheck Pass(string name, string detail) => new(name, DoctorStatus.Pass, detail, [], []);

    public static DoctorCheck Warn(string name, string detail, string remedy) => new(name, DoctorStatus.Warn, detail, [], [remedy]);

    public static DoctorCheck Fail(string name, string detail, string remedy, int exitCode = ExitCodes.Usage) => new(name, DoctorStatus.Fail, detail, [], [remedy], exitCode);
}
