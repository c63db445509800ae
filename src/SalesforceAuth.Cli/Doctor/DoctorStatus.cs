namespace SalesforceAuth.Cli.Doctor;

/// <summary>The outcome of one check.</summary>
internal enum DoctorStatus
{
    Pass,
    Warn,
    Fail,
}
