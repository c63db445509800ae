namespace SalesforceAuth.Cli.Doctor;

/// <summary>One step of <c>sfauth doctor</c>.</summary>
/// <param name="Name">A stable machine name (scripts match on it).</param>
/// <param name="Status">Pass, warn or fail.</param>
/// <param name="Detail">What was found.</param>
/// <param name="Remedy">How to fix it (for warnings and failures).</param>
/// <param name="ExitCode">The exit code this failure stands for (usage, refused, unavailable, API).</param>
internal sealed record DoctorCheck(string Name, DoctorStatus Status, string Detail, string? Remedy = null, int ExitCode = ExitCodes.Usage)
{
    public static DoctorCheck Pass(string name, string detail) => new(name, DoctorStatus.Pass, detail);

    public static DoctorCheck Warn(string name, string detail, string remedy) => new(name, DoctorStatus.Warn, detail, remedy);

    public static DoctorCheck Fail(string name, string detail, string remedy, int exitCode = ExitCodes.Usage) => new(name, DoctorStatus.Fail, detail, remedy, exitCode);
}
