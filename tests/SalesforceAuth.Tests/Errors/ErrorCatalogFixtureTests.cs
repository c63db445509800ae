using SalesforceAuth.Errors;

namespace SalesforceAuth.Tests.Errors;

public sealed class ErrorCatalogFixtureTests
{
    public static TheoryData<string> FixtureNames => [.. ErrorFixture.Names()];

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public async Task Map_CatalogueFixture_ProducesExpectedTypeReasonTransienceAndFacts(string name)
    {
        var fixture = ErrorFixture.Load(name);
        var (exception, renewal) = await fixture.RunAsync(TestContext.Current.CancellationToken);
        var expect = fixture.Expect;

        Assert.Equal(expect.GetProperty("type").GetString(), exception.GetType().Name);
        Assert.False(string.IsNullOrWhiteSpace(exception.Message));
        TestSecrets.AssertNoSecrets(exception);

        if (fixture.Root.TryGetProperty("renewal", out var expectedRenewal))
        {
            Assert.Equal(expectedRenewal.GetString(), renewal.ToString());
        }

        if (exception is SalesforceApiException api)
        {
            Assert.Equal(fixture.Text("apiErrorCode"), api.ErrorCode);
            Assert.Equal(fixture.Root.GetProperty("apiErrorCount").GetInt32(), api.ErrorCount);
            Assert.Equal((int)fixture.Status!.Value, (int)api.StatusCode!.Value);
            if (fixture.Root.TryGetProperty("apiFields", out var fields))
            {
                Assert.Equal(fields.EnumerateArray().Select(f => f.GetString()), api.Fields);
            }

            return;
        }

        var auth = Assert.IsAssignableFrom<SalesforceAuthenticationException>(exception);
        Assert.Equal(expect.GetProperty("reason").GetString(), auth.Reason.ToString());
        Assert.Equal(expect.GetProperty("isTransient").GetBoolean(), auth.IsTransient);
        Assert.Equal(fixture.Status, auth.StatusCode);
        if (fixture.Flow is { } flow && fixture.Kind == "token")
        {
            Assert.Equal(flow, auth.Flow);
        }

        if (fixture.Text("error") is { } error)
        {
            Assert.Equal(error, auth.Error);
            Assert.Contains(error, auth.Message, StringComparison.Ordinal);
        }

        if (fixture.Text("errorUri") is { } errorUri)
        {
            Assert.Equal(new Uri(errorUri), auth.ErrorUri);
        }

        if (expect.TryGetProperty("facts", out var facts))
        {
            foreach (var fact in facts.EnumerateObject())
            {
                Assert.True(auth.Diagnosis.Facts.TryGetValue(fact.Name, out var value), $"Fact '{fact.Name}' missing in {name}.");
                Assert.Contains(fact.Value.GetString()!, value, StringComparison.Ordinal);
            }
        }

        var diagnosis = auth.Diagnosis.ToString();
        if (expect.TryGetProperty("diagnosisContains", out var contains))
        {
            foreach (var text in contains.EnumerateArray())
            {
                Assert.Contains(text.GetString()!, diagnosis, StringComparison.Ordinal);
            }
        }

        Assert.NotEmpty(auth.Diagnosis.Causes);
        Assert.NotEmpty(auth.Diagnosis.Remedies);
        Assert.NotNull(auth.Diagnosis.DocumentationUrl);
        Assert.All(auth.Diagnosis.Facts.Values, v => Assert.True(v.Length <= 400, v));
    }

    [Fact]
    public void Catalogue_EveryRow_HasItsOwnFixtureDescribingIt()
    {
        var names = ErrorFixture.Names().ToHashSet(StringComparer.Ordinal);
        foreach (var row in ErrorCatalog.Entries)
        {
            Assert.True(names.Contains(row.Id), $"No fixture file Errors/Fixtures/{row.Id}.json for catalogue row {row.Id}.");
            var fixture = ErrorFixture.Load(row.Id);
            Assert.Equal(row.Id, fixture.Row);
            Assert.Equal(row.Reason.ToString(), fixture.Expect.GetProperty("reason").GetString());
            Assert.Equal(row.ExceptionType.Name, fixture.Expect.GetProperty("type").GetString());
            Assert.Equal(row.IsTransient, fixture.Expect.GetProperty("isTransient").GetBoolean());
        }
    }

    [Fact]
    public void Catalogue_RowIdsAndKeys_AreUnique()
    {
        Assert.Equal(ErrorCatalog.Entries.Count, ErrorCatalog.Entries.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count());
        var keys = ErrorCatalog.Entries.Select(e => (e.Source, e.Error, e.Description?.ToUpperInvariant(), Flows: e.Flows is null ? "*" : string.Join(",", e.Flows)));
        Assert.Equal(ErrorCatalog.Entries.Count, keys.Distinct().Count());
    }

    [Theory]
    [InlineData("invalid_grant", "expired authorization code", SalesforceFlow.JwtBearer, SalesforceReason.AssertionExpired)]
    [InlineData("invalid_grant", "expired authorization code", SalesforceFlow.SamlBearer, SalesforceReason.AssertionExpired)]
    [InlineData("invalid_grant", "expired authorization code", SalesforceFlow.RefreshToken, SalesforceReason.RefreshInProgress)]
    [InlineData("invalid_grant", "EXPIRED AUTHORIZATION CODE", SalesforceFlow.JwtBearer, SalesforceReason.AssertionExpired)]
    [InlineData("invalid_grant", "  user hasn't approved this consumer ", SalesforceFlow.JwtBearer, SalesforceReason.ConsumerNotApproved)]
    [InlineData("invalid_client_id", "anything at all", SalesforceFlow.JwtBearer, SalesforceReason.InvalidClientId)]
    public void FindOAuth_MatchesErrorExactlyAndDescriptionIgnoringCase(string error, string description, SalesforceFlow flow, SalesforceReason expected)
    {
        Assert.Equal(expected, ErrorCatalog.FindOAuth(error, description, flow)!.Reason);
    }

    [Theory]
    [InlineData("\uFEFF{\"error\":\"invalid_grant\",\"error_description\":\"inactive user\"}")]
    [InlineData("  \r\n{\"error\":\"invalid_grant\",\"error_description\":\"inactive user\"}  ")]
    public void MapTokenError_BodyWithByteOrderMarkOrWhiteSpace_StillClassified(string body)
    {
        var exception = SalesforceErrorMapper.MapTokenError(new TokenErrorContext
        {
            Flow = SalesforceFlow.JwtBearer,
            Endpoint = new Uri("https://login.salesforce.com/services/oauth2/token"),
            StatusCode = System.Net.HttpStatusCode.BadRequest,
            MediaType = "application/json",
            Body = body,
            LocalTime = DateTimeOffset.UnixEpoch,
        });

        Assert.Equal(SalesforceReason.UserInactive, exception.Reason);
    }

    [Theory]
    [InlineData("Invalid_Grant", "expired authorization code")]
    [InlineData("invalid_grant", "a description nobody documented")]
    [InlineData("invalid_grant", null)]
    public void FindOAuth_ErrorCaseDiffersOrDescriptionUnknown_ReturnsNull(string error, string? description)
    {
        Assert.Null(ErrorCatalog.FindOAuth(error, description, SalesforceFlow.JwtBearer));
    }
}
