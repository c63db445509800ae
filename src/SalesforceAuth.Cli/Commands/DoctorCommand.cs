using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using SalesforceAuth.Cli.CommandLine;
using SalesforceAuth.Cli.Doctor;
using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli.Commands;

/// <summary>
/// <c>sfauth doctor</c>: checks a setup step by step, offline first (key, certificate, shapes), then against
/// Salesforce (clock, token request, instance and REST API), and says how to fix each problem.
/// </summary>
internal static class DoctorCommand
{
    private const int NameWidth = 20;

    private static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(10);

    public static Command Create(CliHost host)
    {
        var command = new Command("doctor", "Check a setup step by step, with a remedy for each failure.");
        SfauthCommand.AddConnectionOptions(command);
        command.SetAction(host, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var console = context.Console;
        var options = ClientOptionsFactory.Create(context);
        var refreshTokenFile = ClientOptionsFactory.CreateRefreshTokenStore(context, options);
        var checks = new List<DoctorCheck>();
        if (!console.Json)
        {
            console.Out.WriteLine($"{console.Bold("sfauth doctor")}  {ClientOptionsFactory.FlowName(options.Flow)} flow at {options.LoginUrl}");
        }

        void Add(DoctorCheck check)
        {
            checks.Add(check);
            if (!console.Json)
            {
                WriteCheck(console, check);
            }
        }

        var now = console.TimeProvider.GetUtcNow();
        var usesKey = options.Flow is SalesforceFlow.JwtBearer or SalesforceFlow.SamlBearer;
        if (usesKey)
        {
            foreach (var check in CheckKey(options, now))
            {
                Add(check);
            }
        }

        Add(SetupChecks.CheckConsumerKey(options.ClientId));
        if (options.Flow is SalesforceFlow.ClientCredentials or SalesforceFlow.RefreshToken)
        {
            Add(string.IsNullOrEmpty(options.ClientSecret)
                ? DoctorCheck.Fail("client_secret", $"No consumer secret given; the {ClientOptionsFactory.FlowName(options.Flow)} flow authenticates the app with it.", $"Set {SettingOption.ClientSecret.Describe()} (Setup → App Manager → <your app> → View → Manage Consumer Details).")
                : DoctorCheck.Pass("client_secret", "Given (not shown)."));
        }

        if (options.Flow == SalesforceFlow.ClientCredentials && options.LoginUrl.Host is "login.salesforce.com" or "test.salesforce.com")
        {
            Add(DoctorCheck.Fail("login_url", $"The client credentials flow needs the org's My Domain, not {options.LoginUrl.Host}.", $"Set {SettingOption.LoginUrl.Describe()} to https://<mydomain>.my.salesforce.com."));
        }

        if (options.Flow == SalesforceFlow.RefreshToken && string.IsNullOrEmpty(options.RefreshToken) && refreshTokenFile is null)
        {
            Add(DoctorCheck.Fail("refresh_token", "No refresh token given.", $"Set {SettingOption.RefreshTokenFile.Describe()} (or {SettingOption.RefreshToken.Describe()}) to a refresh token issued to this app."));
        }

        if (usesKey)
        {
            Add(SetupChecks.CheckUsername(options));
            Add(SetupChecks.CheckAudience(options));
        }

        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        await using (console.StartSpinner($"Comparing the clock with {options.LoginUrl.Host}"))
        {
            Add(await CheckClockAsync(http, options, console.TimeProvider, cancellationToken).ConfigureAwait(false));
        }

        SalesforceToken? token = null;
        await using (console.StartSpinner("Requesting a token"))
        {
            (var check, token) = await CheckTokenAsync(options, refreshTokenFile, console.TimeProvider, cancellationToken).ConfigureAwait(false);
            Add(check);
        }

        if (token is not null)
        {
            Add(SetupChecks.CheckInstanceUrl(options, token));
            await using (console.StartSpinner("Calling /services/data/"))
            {
                Add(await CheckApiAsync(http, token, cancellationToken).ConfigureAwait(false));
            }
        }

        var verdict = checks.Any(c => c.Status == DoctorStatus.Fail) ? DoctorStatus.Fail
            : checks.Any(c => c.Status == DoctorStatus.Warn) ? DoctorStatus.Warn
            : DoctorStatus.Pass;
        if (console.Json)
        {
            console.WriteJson(new JsonObject
            {
                ["checks"] = new JsonArray([.. checks.Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = c.Name,
                    ["status"] = StatusName(c.Status),
                    ["detail"] = TerminalText.Clean(c.Detail),
                    ["remedy"] = TerminalText.Clean(c.Remedy),
                    ["causes"] = new JsonArray([.. c.Causes.Select(x => (JsonNode?)JsonValue.Create(TerminalText.Clean(x)))]),
                    ["remedies"] = new JsonArray([.. c.Remedies.Select(x => (JsonNode?)JsonValue.Create(TerminalText.Clean(x)))]),
                })]),
                ["verdict"] = StatusName(verdict),
            });
        }
        else
        {
            var text = StatusName(verdict);
            console.Out.WriteLine($"Verdict: {verdict switch { DoctorStatus.Pass => console.Green(text), DoctorStatus.Warn => console.Yellow(text), _ => console.Red(text) }}");
        }

        return verdict == DoctorStatus.Fail ? checks.First(c => c.Status == DoctorStatus.Fail).ExitCode : ExitCodes.Success;
    }

    private static string StatusName(DoctorStatus status) => status switch
    {
        DoctorStatus.Pass => "pass",
        DoctorStatus.Warn => "warn",
        _ => "fail",
    };

    private static void WriteCheck(CliConsole console, DoctorCheck check)
    {
        var (mark, label) = check.Status switch
        {
            DoctorStatus.Pass => (console.Green("✓"), console.Green("pass")),
            DoctorStatus.Warn => (console.Yellow("!"), console.Yellow("warn")),
            _ => (console.Red("✗"), console.Red("fail")),
        };
        // Details quote what servers sent (error descriptions, API error codes): cleaned of terminal controls.
        console.Out.WriteLine($"  {mark} {label}  {check.Name,-NameWidth} {TerminalText.Clean(check.Detail)}");
        if (check.Status == DoctorStatus.Pass)
        {
            return;
        }

        // Under the detail column ("  ✓ pass  " is 10 characters, then the name column and a space), one line each.
        var indent = new string(' ', 10 + NameWidth + 1);
        foreach (var cause in check.Causes)
        {
            console.Out.WriteLine($"{indent}{console.Dim("cause:")} {TerminalText.Clean(cause)}");
        }

        foreach (var remedy in check.Remedies)
        {
            console.Out.WriteLine($"{indent}{console.Dim("fix:")} {TerminalText.Clean(remedy)}");
        }
    }

    private static IEnumerable<DoctorCheck> CheckKey(SalesforceClientOptions options, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(options.PrivateKeyPath))
        {
            yield return DoctorCheck.Fail("key", "No private key given.", $"Set {SettingOption.Key.Describe()} to the RSA private key (PEM or PFX) whose certificate is uploaded to the connected app.");
            yield break;
        }

        SalesforceSigningKey? key = null;
        DoctorCheck keyCheck;
        try
        {
            key = SalesforceSigningKey.FromFile(options.PrivateKeyPath, options.PrivateKeyPassword);
            keyCheck = DoctorCheck.Pass("key", $"RSA {key.KeySize} bits with its private part.");
        }
        catch (SalesforceConfigurationException ex)
        {
            keyCheck = DoctorCheck.Fail("key", ex.Message, $"Give an RSA private key of {SalesforceSigningKey.MinimumKeySize} bits or more, with its private part, in PEM (PKCS#1/PKCS#8) or PFX ({SettingOption.Key.Describe()}, {SettingOption.KeyPassword.Describe()}).");
        }

        yield return keyCheck;
        using (key)
        {
            if (key is null)
            {
                yield break;
            }

            X509Certificate2? certificate = key.Certificate;
            if (options.CertificatePath is not null)
            {
                SalesforceSigningKey? pair = null;
                DoctorCheck matchCheck;
                try
                {
                    pair = SalesforceSigningKey.FromFile(options.PrivateKeyPath, options.PrivateKeyPassword, options.CertificatePath);
                    matchCheck = DoctorCheck.Pass("certificate", $"The key matches the certificate {pair.CertificateThumbprint}.");
                }
                catch (SalesforceConfigurationException ex)
                {
                    matchCheck = DoctorCheck.Fail("certificate", ex.Message, "Upload the certificate made from this key to the connected app (Setup → App Manager → <your app> → Edit → Enable OAuth Settings → Use digital signatures), or use the key the uploaded certificate was made from.");
                }

                pair?.Dispose();
                yield return matchCheck;
                certificate ??= TryLoadCertificate(options.CertificatePath);
            }
            else if (certificate is not null)
            {
                yield return DoctorCheck.Pass("certificate", $"The PFX carries its certificate {certificate.Thumbprint}.");
            }
            else if (options.Flow == SalesforceFlow.SamlBearer)
            {
                yield return DoctorCheck.Fail("certificate", "No certificate given: the SAML flow signs with KeyInfo and needs it.", $"Set {SettingOption.Certificate.Describe()} to the PEM certificate uploaded to the connected app.");
            }
            else
            {
                yield return DoctorCheck.Warn("certificate", "No certificate given: cannot check that the key matches the certificate uploaded to the connected app.", $"Set {SettingOption.Certificate.Describe()} to the .crt uploaded to the app to check the pair.");
            }

            if (certificate is not null)
            {
                yield return CheckValidity(certificate, now);
            }
        }
    }

    private static X509Certificate2? TryLoadCertificate(string path)
    {
        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static DoctorCheck CheckValidity(X509Certificate2 certificate, DateTimeOffset now)
    {
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        const string renew = "Create a new key pair and certificate, upload the certificate to the connected app, then switch this client to the new key.";
        if (now >= notAfter)
        {
            return DoctorCheck.Fail("certificate_validity", string.Create(CultureInfo.InvariantCulture, $"The certificate expired on {notAfter:yyyy-MM-dd}."), renew);
        }

        if (now < notBefore)
        {
            return DoctorCheck.Fail("certificate_validity", string.Create(CultureInfo.InvariantCulture, $"The certificate is not valid before {notBefore:yyyy-MM-dd HH:mm} UTC."), "Check this machine's clock, or wait until the certificate becomes valid.");
        }

        var left = notAfter - now;
        return left <= TimeSpan.FromDays(30)
            ? DoctorCheck.Warn("certificate_validity", string.Create(CultureInfo.InvariantCulture, $"The certificate expires on {notAfter:yyyy-MM-dd} (in {(int)left.TotalDays} days)."), renew)
            : DoctorCheck.Pass("certificate_validity", string.Create(CultureInfo.InvariantCulture, $"Valid from {notBefore:yyyy-MM-dd} to {notAfter:yyyy-MM-dd}."));
    }

    private static async Task<DoctorCheck> CheckClockAsync(HttpClient http, SalesforceClientOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        DateTimeOffset? serverDate;
        DateTimeOffset localMidpoint;
        try
        {
            var before = time.GetUtcNow();
            using var request = new HttpRequestMessage(HttpMethod.Head, options.LoginUrl);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var after = time.GetUtcNow();
            localMidpoint = before + ((after - before) / 2);
            serverDate = response.Headers.Date;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return DoctorCheck.Fail("clock", $"{options.LoginUrl} could not be reached: {ex.Message}", "Check the login URL, DNS, proxy and firewall; Salesforce must be reachable over HTTPS.", ExitCodes.Unavailable);
        }

        if (serverDate is null)
        {
            return DoctorCheck.Warn("clock", $"{options.LoginUrl.Host} sent no Date header; the clock could not be compared.", "Make sure this machine's clock is synchronised (NTP).");
        }

        var skew = serverDate.Value - localMidpoint;
        var text = ErrorReport.FormatSkew(skew);
        if (skew.Duration() <= ClockTolerance)
        {
            return DoctorCheck.Pass("clock", string.Create(CultureInfo.InvariantCulture, $"In step with {options.LoginUrl.Host} (skew {skew.TotalSeconds:+0.0;-0.0;0.0} s)."));
        }

        const string sync = "Synchronise this machine's clock (NTP: timedatectl set-ntp true, w32tm /resync, or the container host's clock).";
        if (options.ClockSkewCompensation)
        {
            return DoctorCheck.Warn("clock", $"Skew {text}; skew compensation is on, so assertion times are corrected.", sync);
        }

        return skew.Duration() >= options.AssertionLifetime || skew > TimeSpan.Zero && skew >= options.AssertionLifetime / 2
            ? DoctorCheck.Fail("clock", $"Skew {text} with skew compensation off: assertions expire before Salesforce sees them ('expired authorization code').", sync + $" Or turn {SettingOption.SkewCompensation.Describe()} on.", ExitCodes.Refused)
            : DoctorCheck.Warn("clock", $"Skew {text} with skew compensation off.", sync + $" Or turn {SettingOption.SkewCompensation.Describe()} on.");
    }

    private static async Task<(DoctorCheck Check, SalesforceToken? Token)> CheckTokenAsync(SalesforceClientOptions options, ISalesforceRefreshTokenStore? refreshTokenFile, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            // With rotation this request retires the file's token: the session saves its successor there first.
            using var session = new TokenSession(options, time, refreshTokenFile);
            var token = await session.Client.RequestTokenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var detail = $"Issued by {session.Client.TokenEndpoint.Host} ({ClientOptionsFactory.FlowName(options.Flow)} flow{(token.Scope is null ? string.Empty : ", scope " + token.Scope)}).";
            return (DoctorCheck.Pass("token", detail), token);
        }
        catch (SalesforceConfigurationException ex)
        {
            return (DoctorCheck.Fail("token", $"Not attempted: {ClientOptionsFactory.ToOptionNames(ex.Message)}", $"Fix {ClientOptionsFactory.OptionFor(ex.Setting)}."), null);
        }
        catch (SalesforceAuthenticationException ex)
        {
            var wire = ex.Error is null ? string.Empty : $" [{ex.Error}: {ex.ErrorDescription}]";
            var skew = ex.Diagnosis.ClockSkew is { } s ? $" Measured skew {ErrorReport.FormatSkew(s)}." : string.Empty;
            // The library's whole diagnosis: every cause and every remedy, each on its own line, as 'sfauth token' shows them.
            var report = ErrorReport.From(ex);
            return (new DoctorCheck("token", DoctorStatus.Fail, $"{ex.Reason}: {report.Summary}{wire}{skew}", report.Causes, report.Remedies, report.ExitCode), null);
        }
    }

    private static async Task<DoctorCheck> CheckApiAsync(HttpClient http, SalesforceToken token, CancellationToken cancellationToken)
    {
        var url = new Uri(token.InstanceUrl, "/services/data/");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var code = ErrorCodeOf(body);
                return DoctorCheck.Fail("api", $"GET {url} answered {(int)response.StatusCode}{(code is null ? string.Empty : " " + code)}.", code == "INVALID_SESSION_ID"
                    ? "The token was refused on its own instance: check the session policies of the app and profile (IP restrictions, session timeout) and that the user has API Enabled."
                    : "Check that the user's profile has the API Enabled permission and that the org's edition includes API access.", ExitCodes.ApiError);
            }

            return DoctorCheck.Pass("api", $"GET {url} answered {(int)response.StatusCode}{DescribeVersions(body)}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return DoctorCheck.Fail("api", $"{url} could not be reached: {ex.Message}", "Check network access to the org's instance host (it differs from the login host).", ExitCodes.Unavailable);
        }
    }

    private static string DescribeVersions(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Array && document.RootElement.GetArrayLength() > 0)
            {
                var latest = document.RootElement[document.RootElement.GetArrayLength() - 1];
                var version = latest.TryGetProperty("version", out var v) ? v.GetString() : null;
                return $" ({document.RootElement.GetArrayLength()} API versions{(version is null ? string.Empty : ", latest v" + version)})";
            }
        }
        catch (JsonException)
        {
            // Not JSON: say nothing about versions.
        }

        return string.Empty;
    }

    private static string? ErrorCodeOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0];
            }

            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errorCode", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
