using System.Reflection;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Tests.Errors;

public sealed class ErrorCauseIdTests
{
    public static TheoryData<string, string[]> RowsTheMapperExplains => new()
    {
        { "invalid_grant.expired_authorization_code.bearer", [ErrorCauseIds.ClockBehind, ErrorCauseIds.LocalTimeAsUtc, ErrorCauseIds.ValidityTooShort] },
        { "invalid_grant.invalid_assertion", [ErrorCauseIds.KeyMismatch, ErrorCauseIds.UserNotInOrg, ErrorCauseIds.SamlEncoding] },
        { "invalid_grant.audience_is_invalid", [ErrorCauseIds.AudienceEnvironment, ErrorCauseIds.AudienceMalformed] },
        { "invalid_grant.audience_validation_failed", [ErrorCauseIds.AudienceEnvironment, ErrorCauseIds.AudienceMalformed] },
    };

    [Theory]
    [MemberData(nameof(RowsTheMapperExplains))]
    public void Row_CausesTheMapperDrops_CarryTheirIdsOnce(string rowId, string[] ids)
    {
        var row = Assert.Single(ErrorCatalog.Entries, e => e.Id == rowId);

        foreach (var id in ids)
        {
            Assert.Single(row.Causes, c => c.Id == id);
        }
    }

    [Fact]
    public void EveryId_IsUsedByTheCatalogue()
    {
        var ids = typeof(ErrorCauseIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);

        Assert.All(ids, id => Assert.Contains(ErrorCatalog.Entries, e => e.Causes.Any(c => c.Id == id)));
    }
}
