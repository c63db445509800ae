using Microsoft.Extensions.Logging;
using SalesforceAuth.Assertions;

namespace SalesforceAuth.Tokens.Grants;

/// <summary>Chooses the grant for <see cref="SalesforceClientOptions.Flow"/>: the one place a flow is added.</summary>
internal static class TokenGrantFactory
{
    /// <summary>Creates the grant, loading what it needs once (a signing key, the audience).</summary>
    /// <param name="options">The validated settings.</param>
    /// <param name="timeProvider">The clock (certificate expiry warnings).</param>
    /// <param name="logger">The logger.</param>
    /// <returns>The grant.</returns>
    /// <exception cref="SalesforceConfigurationException">The flow is not supported or its settings are unusable.</exception>
    public static ITokenGrant Create(SalesforceClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Flow switch
        {
            SalesforceFlow.JwtBearer => new JwtBearerGrant(options, SigningKeyResolver.Resolve(options, timeProvider, logger)),
            SalesforceFlow.SamlBearer => new SamlBearerGrant(options, SigningKeyResolver.Resolve(options, timeProvider, logger)),
            SalesforceFlow.ClientCredentials => new ClientCredentialsGrant(options),
            SalesforceFlow.RefreshToken => new RefreshTokenGrant(options),
            SalesforceFlow.TokenExchange => new TokenExchangeGrant(options),
            _ => throw new SalesforceConfigurationException(nameof(options.Flow), $"Flow {options.Flow} is not a known flow; use JwtBearer, SamlBearer, ClientCredentials, RefreshToken or TokenExchange."),
        };
    }
}
