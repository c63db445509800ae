using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace SalesforceAuth;

/// <summary>
/// The names a <see cref="SalesforceFlow"/> may be given in configuration, environment variables and <c>sfauth --flow</c>:
/// the enum name (<c>JwtBearer</c>), its kebab form (<c>jwt-bearer</c>) or the short form (<c>jwt</c>, <c>saml</c>), in
/// any case. Configuration binding and the CLI use this one parser, so a spelling that works in one works in both.
/// </summary>
public static class SalesforceFlowNames
{
    private static readonly (SalesforceFlow Flow, string Short, string[] Names)[] Flows =
    [
        (SalesforceFlow.JwtBearer, "jwt", ["jwt", "jwtbearer"]),
        (SalesforceFlow.SamlBearer, "saml", ["saml", "samlbearer"]),
        (SalesforceFlow.ClientCredentials, "client-credentials", ["clientcredentials"]),
        (SalesforceFlow.RefreshToken, "refresh-token", ["refreshtoken"]),
        (SalesforceFlow.TokenExchange, "token-exchange", ["tokenexchange"]),
    ];

    /// <summary>The accepted names, for messages: <c>JwtBearer (jwt), SamlBearer (saml), …</c>.</summary>
    public static string ValidValues { get; } = string.Join(", ", Flows.Select(f => $"{f.Flow} ({f.Short})"));

    /// <summary>Reads a flow name; case, <c>-</c> and <c>_</c> are ignored.</summary>
    /// <param name="value">For example <c>JWT</c>, <c>jwt-bearer</c>, <c>JwtBearer</c> or <c>client_credentials</c>.</param>
    /// <param name="flow">The flow, when recognised.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> names a flow.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out SalesforceFlow flow)
    {
        var key = value?.Trim().Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        foreach (var entry in Flows)
        {
            if (key is not null && Array.IndexOf(entry.Names, key) >= 0)
            {
                flow = entry.Flow;
                return true;
            }
        }

        flow = default;
        return false;
    }

    /// <summary>The short name used by <c>sfauth</c>: <c>jwt</c>, <c>saml</c>, <c>client-credentials</c>, <c>refresh-token</c>, <c>token-exchange</c>.</summary>
    /// <param name="flow">The flow.</param>
    /// <returns>The short name.</returns>
    public static string GetShortName(SalesforceFlow flow)
    {
        foreach (var entry in Flows)
        {
            if (entry.Flow == flow)
            {
                return entry.Short;
            }
        }

        return flow.ToString();
    }

    /// <summary>Why <paramref name="value"/> is not a flow name, listing the valid ones; <see langword="null"/> when it is one.</summary>
    internal static string? GetProblem(string? value) =>
        TryParse(value, out _) ? null : $"'{value}' is not a flow; use one of {ValidValues} (case-insensitive).";
}

/// <summary>
/// Lets configuration binding (which converts through the type's <see cref="TypeConverter"/>) accept every name
/// <see cref="SalesforceFlowNames"/> accepts, not only the enum member names.
/// </summary>
internal sealed class SalesforceFlowConverter : EnumConverter
{
    public SalesforceFlowConverter()
        : base(typeof(SalesforceFlow))
    {
    }

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text
            ? SalesforceFlowNames.TryParse(text, out var flow) ? flow : throw new FormatException(SalesforceFlowNames.GetProblem(text))
            : base.ConvertFrom(context, culture, value);
}
