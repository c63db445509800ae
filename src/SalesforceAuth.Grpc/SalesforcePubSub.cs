namespace SalesforceAuth.Grpc;

/// <summary>
/// The Salesforce Pub/Sub API's endpoint, authentication headers and error trailer, as documented in the Pub/Sub API
/// Developer Guide ("Pub/Sub API Endpoint", https://developer.salesforce.com/docs/platform/pub-sub-api/guide/pub-sub-endpoints.html,
/// and "Handle Errors", https://developer.salesforce.com/docs/platform/pub-sub-api/guide/handling-errors.html).
/// </summary>
public static class SalesforcePubSub
{
    /// <summary>The metadata header with the access token (session id).</summary>
    public const string AccessTokenHeader = "accesstoken";

    /// <summary>The metadata header with the token's <c>instance_url</c>.</summary>
    public const string InstanceUrlHeader = "instanceurl";

    /// <summary>The metadata header with the org id (the tenant), from the token's identity URL.</summary>
    public const string TenantIdHeader = "tenantid";

    /// <summary>The trailer in which the Pub/Sub API names the cause of a failed call.</summary>
    public const string ErrorCodeTrailer = "error-code";

    /// <summary>The error code of an authentication failure (status <c>UNAUTHENTICATED</c>).</summary>
    public const string AuthErrorCode = "sfdc.platform.eventbus.grpc.service.auth.error";

    /// <summary>The global Pub/Sub API endpoint, <c>https://api.pubsub.salesforce.com:7443</c>.</summary>
    public static Uri DefaultAddress { get; } = new("https://api.pubsub.salesforce.com:7443");
}
