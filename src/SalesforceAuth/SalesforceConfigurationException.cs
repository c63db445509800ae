namespace SalesforceAuth;

/// <summary>
/// A Salesforce connection is configured wrongly (a missing or invalid setting, an unusable key or certificate).
/// The message names the setting and says what a right value looks like. Thrown at startup or when the key is loaded.
/// </summary>
public sealed class SalesforceConfigurationException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceConfigurationException()
        : this("The Salesforce connection is not configured correctly.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What is wrong and how to fix it; must not contain secrets.</param>
    public SalesforceConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What is wrong and how to fix it; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception naming the setting at fault.</summary>
    /// <param name="setting">The setting, for example <c>PrivateKeyPath</c>.</param>
    /// <param name="message">What is wrong and how to fix it; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceConfigurationException(string setting, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Setting = setting;
    }

    /// <summary>The setting at fault, when one is.</summary>
    public string? Setting { get; }
}
