using System.Collections.Concurrent;

namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>
/// Sits just above the socket handler of an <see cref="HttpClient"/> (below SalesforceAuth's own handler) and records
/// what really leaves the process: target origins, and the secrets on the wire (bearer tokens, assertions, client
/// secrets, token responses) into the <see cref="SecretLedger"/>.
/// </summary>
internal sealed class WireRecorder(WireRecorder.Traffic traffic, SecretLedger ledger, bool backchannel) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var origin = request.RequestUri!.GetLeftPart(UriPartial.Authority);
        traffic.Origins.AddOrUpdate(origin, 1, static (_, n) => n + 1);
        if (request.Headers.Authorization is { Parameter: { } credential } authorization)
        {
            ledger.Add(credential, authorization.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) ? "access token" : "client credentials");
            if (authorization.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            {
                traffic.BearerOrigins.AddOrUpdate(origin, 1, static (_, n) => n + 1);
            }
        }

        if (backchannel && request.Content is not null)
        {
            var form = await request.Content.ReadAsStringAsync(cancellationToken);
            foreach (var pair in form.Split('&'))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    continue;
                }

                var value = Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
                switch (pair[..equals])
                {
                    case "assertion":
                        ledger.Add(value, "assertion");
                        break;
                    case "client_secret":
                        ledger.Add(value, "client secret");
                        break;
                    case "refresh_token" or "subject_token" or "actor_token":
                        ledger.Add(value, "refresh token");
                        break;
                }
            }
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (backchannel && response.Content.Headers.ContentType?.MediaType is { } media && media.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            // ReadAsStringAsync buffers the content, so the caller still reads the same body afterwards.
            ledger.AddFromTokenResponse(await response.Content.ReadAsStringAsync(cancellationToken));
        }

        return response;
    }

    /// <summary>What left the process, by origin (<c>scheme://host:port</c>).</summary>
    internal sealed class Traffic
    {
        public ConcurrentDictionary<string, int> Origins { get; } = new(StringComparer.OrdinalIgnoreCase);

        public ConcurrentDictionary<string, int> BearerOrigins { get; } = new(StringComparer.OrdinalIgnoreCase);
    }
}
