using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SalesforceAuth.Errors;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens.Grants;

namespace SalesforceAuth.Tokens.Endpoint;

/// <summary>
/// The token lifecycle endpoints next to the token endpoint (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5): introspection, revocation and userinfo.
/// Posts go through <see cref="TokenEndpointClient.PostFormAsync"/> (trusted redirects re-POSTed); errors go through
/// the one error mapper. Each call is one attempt bounded by <see cref="SalesforceClientOptions.AttemptTimeout"/>.
/// </summary>
internal sealed class TokenLifecycleClient
{
    private const long MillisecondsThreshold = 100_000_000_000;

    private readonly HttpClient _httpClient;
    private readonly SalesforceClientOptions _options;
    private readonly TokenEndpointClient _endpoint;
    private readonly TokenEndpointErrors _errors;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SalesforceMetrics _metrics;

    /// <summary>Creates the client.</summary>
    /// <param name="httpClient">The back channel (automatic redirects off).</param>
    /// <param name="options">The validated settings.</param>
    /// <param name="endpoint">The token endpoint client (form posts, redirects, clock skew).</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="metrics">The instruments.</param>
    public TokenLifecycleClient(HttpClient httpClient, SalesforceClientOptions options, TokenEndpointClient endpoint, TimeProvider timeProvider, ILogger logger, SalesforceMetrics metrics)
    {
        _httpClient = httpClient;
        _options = options;
        _endpoint = endpoint;
        _errors = endpoint.Errors;
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
        var baseUrl = options.LoginUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        IntrospectionEndpoint = new Uri(baseUrl + "/services/oauth2/introspect", UriKind.Absolute);
        RevocationEndpoint = new Uri(baseUrl + "/services/oauth2/revoke", UriKind.Absolute);
        UserInfoEndpoint = new Uri(baseUrl + "/services/oauth2/userinfo", UriKind.Absolute);
    }

    /// <summary><c>{LoginUrl}/services/oauth2/introspect</c>.</summary>
    public Uri IntrospectionEndpoint { get; }

    /// <summary><c>{LoginUrl}/services/oauth2/revoke</c>.</summary>
    public Uri RevocationEndpoint { get; }

    /// <summary><c>{LoginUrl}/services/oauth2/userinfo</c>.</summary>
    public Uri UserInfoEndpoint { get; }

    /// <summary>Whether introspection can be used (it needs the consumer secret, Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5).</summary>
    public bool CanIntrospect => !string.IsNullOrEmpty(_options.ClientSecret);

    /// <summary>Introspects a token.</summary>
    /// <param name="token">The access or refresh token.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What Salesforce says about the token.</returns>
    public Task<SalesforceTokenIntrospection> IntrospectAsync(string token, CancellationToken cancellationToken) =>
        MeasureAsync("introspect", IntrospectionEndpoint, () => IntrospectCoreAsync(token, cancellationToken));

    /// <summary>Revokes a token (a refresh token takes its access tokens with it, Salesforce Help "Revoke OAuth Tokens", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&amp;type=5).</summary>
    /// <param name="token">The access or refresh token.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when Salesforce confirmed the revocation.</returns>
    public Task RevokeAsync(string token, CancellationToken cancellationToken) =>
        MeasureAsync<object?>("revoke", RevocationEndpoint, async () =>
        {
            await RevokeCoreAsync(token, cancellationToken).ConfigureAwait(false);
            return null;
        });

    /// <summary>Reads the userinfo of the user a token acts as (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5).</summary>
    /// <param name="token">The token.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The claims.</returns>
    public Task<SalesforceUserInfo> GetUserInfoAsync(SalesforceToken token, CancellationToken cancellationToken) =>
        MeasureAsync("userinfo", UserInfoEndpoint, () => GetUserInfoCoreAsync(token, cancellationToken));

    private async Task<SalesforceTokenIntrospection> IntrospectCoreAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        if (!CanIntrospect)
        {
            throw new SalesforceConfigurationException(nameof(_options.ClientSecret), "Introspection needs ClientSecret: the consumer secret of the app that issued the token (by default an app can only introspect its own tokens; \"Introspect All Tokens\" lifts that).");
        }

        var form = new List<KeyValuePair<string, string>>(5)
        {
            new("token", token),
            new("token_type_hint", LooksLikeAccessToken(token) ? "access_token" : "refresh_token"),
        };
        var authorization = ClientAuthentication.Apply(_options, form, requireSecret: true);
        var response = await PostAsync(IntrospectionEndpoint, form, authorization, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw MapError(response);
        }

        if (!TryParseIntrospection(response.Body, out var result, out var problem))
        {
            throw SalesforceErrorMapper.MapUnusableSuccess(_errors.Refused(response), problem!);
        }

        Log.TokenIntrospected(_logger, IntrospectionEndpoint.Authority, result!.Active, result.TokenType);
        return result;
    }

    private async Task RevokeCoreAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var response = await PostAsync(RevocationEndpoint, [new("token", token)], null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw MapError(response);
        }

        Log.TokenRevoked(_logger, response.Endpoint.Authority);
    }

    private async Task<SalesforceUserInfo> GetUserInfoCoreAsync(SalesforceToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);

        // The userinfo endpoint lives on the login host or My Domain the token came from (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&type=5), like the identity URL;
        // the token is sent to the configured, validated LoginUrl and nowhere a response could name.
        var uri = UserInfoEndpoint;
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var message = new HttpRequestMessage(HttpMethod.Get, uri);
        message.Headers.Authorization = token.AuthorizationHeader;
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var bytes = await ResponseBody.ReadAsync(response.Content, ResponseBody.MaxBytes, linked.Token).ConfigureAwait(false);
            if (bytes is null)
            {
                Log.ResponseTooLarge(_logger, uri.Authority, (int)response.StatusCode, ResponseBody.MaxBytes);
                throw _errors.Client("client.response_too_large", $"The userinfo endpoint {uri.Authority} answered {(int)response.StatusCode} with a body over {ResponseBody.MaxBytes / 1024} KB; Salesforce's userinfo is a few KB, so it was not read further.", response.StatusCode, _timeProvider.GetUtcNow(), response.Headers.Date, null);
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!response.IsSuccessStatusCode)
            {
                throw SalesforceErrorMapper.MapRestError(response.StatusCode, mediaType, bytes, uri, response.Headers.RetryAfter?.Delta, null);
            }

            return ParseUserInfo(bytes, response.StatusCode, uri);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is OperationCanceledException || TokenEndpointErrors.IsTransportFailure(ex)))
        {
            throw _errors.NoAnswer(uri, ex);
        }
    }

    /// <summary>Whether a token has the shape of an access token (opaque <c>00D...!...</c> or a JWT); otherwise it is taken for a refresh token.</summary>
    /// <param name="token">The token.</param>
    /// <returns><see langword="true"/> for an access token shape.</returns>
    internal static bool LooksLikeAccessToken(string token) =>
        (token.StartsWith("00D", StringComparison.Ordinal) && token.Contains('!', StringComparison.Ordinal))
        || token.StartsWith("eyJ", StringComparison.Ordinal);

    /// <summary>Parses an introspection body (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5). Never throws; the problem text never quotes the body.</summary>
    /// <param name="body">The body.</param>
    /// <param name="result">The result, when parsed.</param>
    /// <param name="problem">Why not, when not.</param>
    /// <returns><see langword="true"/> when parsed.</returns>
    internal static bool TryParseIntrospection(string? body, out SalesforceTokenIntrospection? result, out string? problem)
    {
        result = null;
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "null" : body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "the introspection response is not a JSON object";
                return false;
            }

            if (!root.TryGetProperty("active", out var active) || active.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problem = "the introspection response has no boolean 'active'";
                return false;
            }

            result = new SalesforceTokenIntrospection
            {
                Active = active.GetBoolean(),
                Scope = String(root, "scope"),
                ClientId = String(root, "client_id"),
                Username = String(root, "username"),
                Subject = String(root, "sub"),
                TokenType = String(root, "token_type"),
                ExpiresAt = Time(root, "exp"),
                IssuedAt = Time(root, "iat"),
                NotBefore = Time(root, "nbf"),
            };
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // InvalidOperationException: a string value that is not valid UTF-16 (a lone surrogate escape) cannot be read.
            problem = "the introspection response is not valid JSON";
            return false;
        }
    }

    /// <summary>Parses a userinfo body.</summary>
    /// <param name="body">The UTF-8 body.</param>
    /// <param name="status">The status (for the error).</param>
    /// <param name="uri">The endpoint (for the error).</param>
    /// <returns>The claims.</returns>
    private SalesforceUserInfo ParseUserInfo(byte[] body, HttpStatusCode status, Uri uri)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return ReadUserInfo(document.RootElement.Clone());
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // InvalidOperationException: a string claim that is not valid UTF-16 (a lone surrogate escape) cannot be read.
        }

        throw _errors.Client("transport.unexpected", $"The userinfo endpoint {uri.Authority} answered {(int)status} without a readable JSON object.", status, _timeProvider.GetUtcNow(), null, null);
    }

    private static SalesforceUserInfo ReadUserInfo(JsonElement root)
    {
        var urls = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("urls", out var urlsElement) && urlsElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in urlsElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    urls[property.Name] = property.Value.GetString()!;
                }
            }
        }

        return new SalesforceUserInfo(root)
        {
            Subject = String(root, "sub"),
            UserId = String(root, "user_id"),
            OrganizationId = String(root, "organization_id"),
            PreferredUsername = String(root, "preferred_username"),
            Name = String(root, "name"),
            GivenName = String(root, "given_name"),
            FamilyName = String(root, "family_name"),
            Email = String(root, "email"),
            EmailVerified = Bool(root, "email_verified"),
            Locale = String(root, "locale"),
            ZoneInfo = String(root, "zoneinfo"),
            UserType = String(root, "user_type"),
            IsActive = Bool(root, "active"),
            UpdatedAt = root.TryGetProperty("updated_at", out var updated) && updated.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(updated.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : Time(root, "updated_at"),
            Urls = urls,
        };
    }

    private async Task<T> MeasureAsync<T>(string operation, Uri endpoint, Func<Task<T>> action)
    {
        using var activity = SalesforceMetrics.ActivitySource.StartActivity("salesforce.auth." + operation, ActivityKind.Client);
        activity?.SetTag("server.address", endpoint.Host);
        var outcome = "canceled";
        try
        {
            var result = await action().ConfigureAwait(false);
            outcome = "success";
            return result;
        }
        catch (SalesforceAuthenticationException ex)
        {
            outcome = ex.Reason.ToString();
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
            throw;
        }
        catch (SalesforceConfigurationException)
        {
            outcome = "configuration";
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            outcome = ex is SalesforceApiException ? "api_error" : "error";
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
            throw;
        }
        finally
        {
            activity?.SetTag("salesforce.outcome", outcome);
            _metrics.LifecycleRequests.Add(1, new("salesforce.operation", operation), new("salesforce.outcome", outcome));
        }
    }

    private async Task<TokenEndpointResponse> PostAsync(Uri endpoint, IReadOnlyList<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await _endpoint.PostFormAsync(endpoint, form, authorization, null, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is OperationCanceledException || TokenEndpointErrors.IsTransportFailure(ex)))
        {
            throw _errors.NoAnswer(endpoint, ex);
        }
    }

    private SalesforceAuthenticationException MapError(TokenEndpointResponse response)
    {
        var context = _errors.Refused(response);
        var trimmed = response.Body.Trim();
        if (!response.IsJson && trimmed is "invalid_token" or "unsupported_token_type")
        {
            // The revoke endpoint's error body format is unconfirmed (Salesforce Help "Revoke OAuth Tokens", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&type=5): a bare code is read as that OAuth error.
            context = context with { ErrorBody = new OAuthErrorBody(OAuthErrorBodyKind.OAuthError, trimmed, null, null) };
        }

        return SalesforceErrorMapper.MapTokenError(context);
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool? Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    private static DateTimeOffset? Time(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        long number;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (!value.TryGetInt64(out number))
            {
                return null;
            }
        }
        else if (value.ValueKind != JsonValueKind.String || !long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return null;
        }

        // Seconds per Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&type=5; a millisecond value (seen in other Salesforce fields) is recognised rather than misread.
        try
        {
            return number > MillisecondsThreshold ? DateTimeOffset.FromUnixTimeMilliseconds(number) : DateTimeOffset.FromUnixTimeSeconds(number);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
