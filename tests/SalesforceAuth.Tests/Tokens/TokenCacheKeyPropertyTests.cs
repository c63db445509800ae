using System.Globalization;
using CsCheck;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Tests.Tokens;

/// <summary>
/// The cache identity as a property: over generated pairs of (connection, configured or resolved at run time, settings,
/// per-request overrides), two token requests share a cache key — in memory and in the distributed cache — exactly
/// when an oracle written here, apart from the implementation, says they must yield the same session. The pools are small on purpose, so that near-misses
/// (one field apart, ASCII case variants, look-alike Unicode, values that imitate separators) come up constantly.
/// The run is one deterministic sequence from a seed: 20261202 when <c>CI=true</c>, otherwise random; printed, and
/// replayed with <c>SALESFORCEAUTH_PROPERTY_SEED</c>.
/// </summary>
public sealed class TokenCacheKeyPropertyTests(ITestOutputHelper output)
{
    public const string SeedVariable = "SALESFORCEAUTH_PROPERTY_SEED";

    private const int Cases = 100_000;

    private static readonly string[] Names = ["crm", "CRM", "erp", "crm;", "1:c"];

    // Each URL with the token endpoint it names: variants of one endpoint must share, a different endpoint never.
    private static readonly (string Url, string Endpoint)[] LoginUrls =
    [
        ("https://login.salesforce.com", "login"),
        ("https://LOGIN.Salesforce.com/", "login"),
        ("https://login.salesforce.com:443", "login"),
        ("https://test.salesforce.com", "test"),
        ("https://acme.my.salesforce.com", "acme"),
        ("https://globex.my.salesforce.com", "globex"),
        ("https://acme.my.site.com/partners", "site /partners"),
        ("https://acme.my.site.com/partners/", "site /partners"),
        ("https://acme.my.site.com/Partners", "site /Partners"),
        ("https://acme.my.site.com/customers", "site /customers"),
        ("http://127.0.0.1:5001", "loopback 5001"),
        ("http://127.0.0.1:5002", "loopback 5002"),
    ];

    private static readonly string?[] ClientIds = ["3MVG9app", "3MVG9APP", "3MVG9other", null];

    // Includes look-alikes whose Unicode case mapping lands on an ASCII name (U+017F, U+212A, U+0131), which must be refused.
    private static readonly string?[] Usernames =
    [
        null, "sales@acme.com", "SALES@acme.com", "Sales@Acme.Com", "\u017Fales@acme.com", "kim@acme.com", "\u212Aim@acme.com",
        "KIM@ACME.COM", "\u0131nfo@acme.com", "info@acme.com", "sales@acme.com.uat", " sales@acme.com", "sales@acme.com;", string.Empty,
    ];

    private static readonly string?[] Audiences = [null, "https://login.salesforce.com", "https://login.salesforce.com/", "https://test.salesforce.com", "   "];

    private static readonly string[] NameIdFormats = ["urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"];

    private static readonly string?[] Secrets = [null, string.Empty, "5Aep861one", "5Aep861ONE", "5Aep861two", "eyJone", "\uD800", "\uDC00", "1:x;", "-"];

    private static readonly string?[] TokenTypes = [null, "urn:ietf:params:oauth:token-type:jwt", "urn:ietf:params:oauth:token-type:JWT", "urn:ietf:params:oauth:token-type:access_token"];

    private static readonly string?[] Words = [null, string.Empty, "api", "api refresh_token", "API", "PartnerHandler", "api;", "3:api", "-"];

    [Fact]
    public void Create_GeneratedRequestPairs_ShareAKeyExactlyWhenTheyMustShareASession()
    {
        var seed = Seed();
        output.WriteLine($"seed {seed} (replay with {SeedVariable}={seed}), {Cases:N0} cases");
        var pcg = new PCG(1, seed);
        var gen = PairGen();
        int mustShare = 0, mustDiffer = 0, refused = 0;
        for (var i = 0; i < Cases; i++)
        {
            var (a, b) = gen.Generate(pcg, null, out _);
            var expectedA = Oracle(a);
            var expectedB = Oracle(b);
            var keyA = Build(a);
            var keyB = Build(b);
            if (expectedA.Refusal is not null || expectedB.Refusal is not null)
            {
                if (!Refused(keyA, expectedA) || !Refused(keyB, expectedB))
                {
                    Assert.Fail($"seed {seed}, case {i}: a non-ASCII username must be refused with {expectedA.Refusal?.Name ?? expectedB.Refusal?.Name}\n{a}\n{b}");
                }

                refused++;
                continue;
            }

            var (memoryA, memoryB) = (keyA.Key!, keyB.Key!);
            var same = expectedA.Identity == expectedB.Identity;
            var sharedInMemory = memoryA.Equals(memoryB) && memoryB.Equals(memoryA);
            var sharedInDistributed = string.Equals(memoryA.DistributedKey, memoryB.DistributedKey, StringComparison.Ordinal);
            if (same != sharedInMemory || same != sharedInDistributed || (sharedInMemory && memoryA.GetHashCode() != memoryB.GetHashCode()))
            {
                // The message is built only for a failure: 100,000 of them would cost more than the keys.
                Assert.Fail($"seed {seed}, case {i}: the oracle says {(same ? "same session" : "different sessions")}, the in-memory keys are {(sharedInMemory ? "equal" : "different")}, the distributed keys {(sharedInDistributed ? "equal" : "different")}\n{a}\n{b}");
            }

            if (same)
            {
                mustShare++;
            }
            else
            {
                mustDiffer++;
            }
        }

        output.WriteLine($"{mustShare:N0} pairs that must share a key shared it; {mustDiffer:N0} pairs that must not, did not (0 collisions); {refused:N0} with a non-ASCII username refused");

        // Both directions were really exercised (the generator is not degenerate).
        Assert.True(mustShare > Cases / 10 && mustDiffer > Cases / 10 && refused > 0, $"seed {seed}: {mustShare} share, {mustDiffer} differ, {refused} refused");
    }

    private static ulong Seed()
    {
        if (ulong.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var configured))
        {
            return configured;
        }

        // CI replays one fixed sequence so its verdict is repeatable; a developer run explores a new one each time.
        return string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? 20261202UL
            : (ulong)Random.Shared.NextInt64(1, long.MaxValue);
    }

    private static Gen<(Side A, Side B)> PairGen()
    {
        var side = SideGen();

        // Half the pairs are independent; half are one side and a copy with a few fields redrawn, the near-misses.
        var related = Gen.Select(side, side, Gen.Int[0, 3], Gen.Int[0, Side.FieldCount - 1].Array[3])
            .Select(t => (t.Item1, t.Item1.Mix(t.Item2, t.Item4.Take(t.Item3))));
        return Gen.Frequency((1, Gen.Select(side, side)), (1, related));
    }

    private static Gen<Side> SideGen()
    {
        static Gen<T> Of<T>(T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);
        var flows = Enum.GetValues<SalesforceFlow>();
        var overrides = Gen.Select(Gen.Bool, Of(Usernames), Of(Secrets), Of(Secrets))
            .Select(t => t.Item1 ? new SalesforceTokenRequest { Username = t.Item2, RefreshToken = t.Item3, SubjectToken = t.Item4 } : null);
        var bearer = Gen.Select(Of(Usernames), Of(Audiences), Gen.Bool, Of(NameIdFormats));
        var refresh = Gen.Select(Of(Secrets), Gen.Bool);
        var exchange = Gen.Select(Of(Secrets), Of(TokenTypes), Of(Secrets), Of(TokenTypes), Of(Words), Of(Words));
        return Gen.Select(Gen.Select(Of(Names), Of(flows), Gen.Int[0, LoginUrls.Length - 1], Of(ClientIds), Gen.Bool), bearer, refresh, exchange, overrides)
            .Select(t => new Side(
                t.Item1.Item1,
                t.Item1.Item5,
                t.Item1.Item2,
                t.Item1.Item3,
                t.Item1.Item4,
                t.Item2.Item1,
                t.Item2.Item2,
                t.Item2.Item3,
                t.Item2.Item4,
                t.Item3.Item1,
                t.Item3.Item2,
                t.Item4.Item1,
                t.Item4.Item2,
                t.Item4.Item3,
                t.Item4.Item4,
                t.Item4.Item5,
                t.Item4.Item6,
                t.Item5));
    }

    private static (TokenCacheKey? Key, Exception? Error) Build(Side side)
    {
        try
        {
            return (TokenCacheKey.Create(side.Name, side.Options(), side.Request, side.Resolved), null);
        }
        catch (Exception ex) when (ex is ArgumentException or SalesforceConfigurationException)
        {
            return (null, ex);
        }
    }

    private static bool Refused((TokenCacheKey? Key, Exception? Error) built, Expected expected) =>
        expected.Refusal is null
            ? built.Key is not null
            : built.Error?.GetType() == expected.Refusal
              && (built.Error is not SalesforceConfigurationException configuration || configuration.Setting == "Username");

    /// <summary>
    /// What decides the session, per flow, written from the protocol rather than from the implementation: the
    /// connection, the flow, the endpoint requested and the app; then for the bearer flows the username (ASCII case
    /// folded; non-ASCII refused), the audience settings and (SAML) the NameID format; for refresh the caller's own
    /// refresh token, or else the connection's chain; for token exchange every grant parameter; for client credentials
    /// nothing more (the app's Run As user). Everything else a flow does not send is left out.
    /// </summary>
    private static Expected Oracle(Side s)
    {
        // A connection resolved at run time (a tenant id) is never the configured connection of the same name.
        var parts = new List<string?> { s.Name, s.Resolved ? "resolved" : "configured", s.Flow.ToString(), LoginUrls[s.LoginUrl].Endpoint, s.ClientId };
        switch (s.Flow)
        {
            case SalesforceFlow.JwtBearer or SalesforceFlow.SamlBearer:
                var fromRequest = s.Request?.Username is not null;
                var username = s.Request?.Username ?? s.ConfiguredUsername ?? string.Empty;
                if (username.Any(c => c > '\u007F'))
                {
                    return new Expected(null, fromRequest ? typeof(ArgumentException) : typeof(SalesforceConfigurationException));
                }

                parts.AddRange([username.ToLowerInvariant(), s.UseMyDomainAsAudience.ToString(), s.Audience]);
                if (s.Flow == SalesforceFlow.SamlBearer)
                {
                    parts.Add(s.NameIdFormat);
                }

                break;
            case SalesforceFlow.RefreshToken:
                parts.AddRange(s.Request?.RefreshToken is { } own ? ["caller", own] : ["connection", s.HasStore.ToString(), s.RefreshToken]);
                break;
            case SalesforceFlow.TokenExchange:
                parts.AddRange([s.Request?.SubjectToken ?? s.SubjectToken, s.SubjectTokenType, s.ActorToken, s.ActorTokenType, s.TokenExchangeHandler, s.Scope]);
                break;
        }

        // Unambiguous: each part with its length (null apart from empty).
        return new Expected(string.Concat(parts.Select(p => p is null ? "null|" : $"{p.Length}|{p}|")), null);
    }

    private sealed record Expected(string? Identity, Type? Refusal);

    /// <summary>One token request: the connection's name and settings, and the caller's overrides.</summary>
    private sealed record Side(
        string Name,
        bool Resolved,
        SalesforceFlow Flow,
        int LoginUrl,
        string? ClientId,
        string? ConfiguredUsername,
        string? Audience,
        bool UseMyDomainAsAudience,
        string NameIdFormat,
        string? RefreshToken,
        bool HasStore,
        string? SubjectToken,
        string? SubjectTokenType,
        string? ActorToken,
        string? ActorTokenType,
        string? TokenExchangeHandler,
        string? Scope,
        SalesforceTokenRequest? Request)
    {
        public const int FieldCount = 18;

        public SalesforceClientOptions Options() => new()
        {
            Flow = Flow,
            LoginUrl = new Uri(LoginUrls[LoginUrl].Url),
            ClientId = ClientId,
            Username = ConfiguredUsername,
            Audience = Audience,
            UseMyDomainAsAudience = UseMyDomainAsAudience,
            SamlNameIdFormat = NameIdFormat,
            RefreshToken = RefreshToken,
            HasRefreshTokenStore = HasStore,
            SubjectToken = SubjectToken,
            SubjectTokenType = SubjectTokenType,
            ActorToken = ActorToken,
            ActorTokenType = ActorTokenType,
            TokenExchangeHandler = TokenExchangeHandler,
            Scope = Scope,
        };

        /// <summary>This side with the chosen fields taken from <paramref name="other"/>.</summary>
        public Side Mix(Side other, IEnumerable<int> fields)
        {
            var mixed = this;
            foreach (var field in fields)
            {
                mixed = field switch
                {
                    0 => mixed with { Name = other.Name },
                    1 => mixed with { Flow = other.Flow },
                    2 => mixed with { LoginUrl = other.LoginUrl },
                    3 => mixed with { ClientId = other.ClientId },
                    4 => mixed with { ConfiguredUsername = other.ConfiguredUsername },
                    5 => mixed with { Audience = other.Audience },
                    6 => mixed with { UseMyDomainAsAudience = other.UseMyDomainAsAudience },
                    7 => mixed with { NameIdFormat = other.NameIdFormat },
                    8 => mixed with { RefreshToken = other.RefreshToken },
                    9 => mixed with { HasStore = other.HasStore },
                    10 => mixed with { SubjectToken = other.SubjectToken },
                    11 => mixed with { SubjectTokenType = other.SubjectTokenType },
                    12 => mixed with { ActorToken = other.ActorToken },
                    13 => mixed with { ActorTokenType = other.ActorTokenType },
                    14 => mixed with { TokenExchangeHandler = other.TokenExchangeHandler },
                    15 => mixed with { Scope = other.Scope },
                    16 => mixed with { Resolved = other.Resolved },
                    _ => mixed with { Request = other.Request },
                };
            }

            return mixed;
        }

        public override string ToString() =>
            $"{{ Name = {Show(Name)}, Resolved = {Resolved}, Flow = {Flow}, LoginUrl = {LoginUrls[LoginUrl].Url}, ClientId = {Show(ClientId)}, Username = {Show(ConfiguredUsername)}, Audience = {Show(Audience)}, " +
            $"UseMyDomainAsAudience = {UseMyDomainAsAudience}, NameIdFormat = {NameIdFormat}, RefreshToken = {Show(RefreshToken)}, HasStore = {HasStore}, SubjectToken = {Show(SubjectToken)}, " +
            $"SubjectTokenType = {Show(SubjectTokenType)}, ActorToken = {Show(ActorToken)}, ActorTokenType = {Show(ActorTokenType)}, TokenExchangeHandler = {Show(TokenExchangeHandler)}, Scope = {Show(Scope)}, " +
            $"Request = {(Request is null ? "null" : $"{{ Username = {Show(Request.Username)}, RefreshToken = {Show(Request.RefreshToken)}, SubjectToken = {Show(Request.SubjectToken)} }}")} }}";

        // Test values only (no real secrets): shown escaped so look-alikes and lone surrogates are visible.
        private static string Show(string? value) =>
            value is null ? "null" : "\"" + string.Concat(value.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}")) + "\"";
    }
}
