using System.Net.Http.Headers;
using System.Text;

namespace SalesforceAuth.Tokens.Grants;

/// <summary>
/// Client authentication with the consumer key and secret (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5; Salesforce Help "OAuth 2.0 Refresh Token Flow for Renewed Sessions", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_refresh_token_flow.htm&amp;type=5; Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5): in the body
/// (<c>client_secret_post</c>) or as HTTP Basic (<c>client_secret_basic</c>) when
/// <see cref="SalesforceClientOptions.UseBasicAuthentication"/> is set. Salesforce's discovery document lists both.
/// </summary>
internal static class ClientAuthentication
{
    /// <summary>Adds the client credentials to <paramref name="form"/>, or returns the Basic header that carries them.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="form">The form being built.</param>
    /// <param name="requireSecret">Whether the secret must be present (client credentials, introspection).</param>
    /// <returns>The <c>Authorization</c> header when Basic authentication is used; otherwise <see langword="null"/>.</returns>
    public static AuthenticationHeaderValue? Apply(SalesforceClientOptions options, List<KeyValuePair<string, string>> form, bool requireSecret)
    {
        var clientId = options.ClientId!;
        var secret = string.IsNullOrEmpty(options.ClientSecret) ? null : options.ClientSecret;
        if (secret is null && requireSecret)
        {
            throw new SalesforceConfigurationException(nameof(options.ClientSecret), "ClientSecret is required here: the consumer secret of the app (Setup → App Manager → <your app> → View → Manage Consumer Details).");
        }

        if (options.UseBasicAuthentication && secret is not null)
        {
            // Consumer keys and secrets are alphanumeric (plus '.' and '_'): sent as is, like Salesforce's own samples.
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + secret));
            return new AuthenticationHeaderValue("Basic", credentials);
        }

        form.Add(new("client_id", clientId));
        if (secret is not null)
        {
            form.Add(new("client_secret", secret));
        }

        return null;
    }
}
