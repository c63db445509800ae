namespace SalesforceAuth.Tests;

public sealed class SalesforceUsernameTests
{
    [Theory]
    [InlineData("jane@acme.com.uat", "uat")]
    [InlineData("jane@acme.de.uat", "uat")]
    [InlineData("jane@acme.co.uk.full", "full")]
    [InlineData("jane@acme.io.dev2", "dev2")]
    [InlineData("jane@acme.de.qa", "qa")]
    [InlineData("jane@acme.com", null)]
    [InlineData("jane@acme.co.uk", null)]
    [InlineData("jane@acme.com.au", null)]
    [InlineData("jane@mail.acme.de", null)]
    [InlineData("jane@acme.uk.com", null)]
    [InlineData("jane@acme.com.", null)]
    [InlineData("jane@acme", null)]
    [InlineData("jane", null)]
    public void GetSandboxSuffix_Shapes(string username, string? expected) =>
        Assert.Equal(expected, SalesforceUsername.GetSandboxSuffix(username));

    [Theory]
    [InlineData("jane@acme.com", true)]
    [InlineData("jane@acme.com.uat", true)]
    [InlineData("jane", false)]
    [InlineData("jane@acme", false)]
    [InlineData("@acme.com", false)]
    [InlineData("jane@@acme.com", false)]
    [InlineData("jane doe@acme.com", false)]
    [InlineData("jane@acme.", false)]
    public void IsWellFormed_EmailForm(string username, bool expected) =>
        Assert.Equal(expected, SalesforceUsername.IsWellFormed(username));

    [Theory]
    [InlineData("3MVG9A2kN3Bn17hsWsLDatw._IVMEUBoPKv.7ksp0tz7xLX4tWDVgyzwTCA7i_yTfP.qYuNOsSoPNcdVH6DuE", true)]
    [InlineData("my-app", false)]
    [InlineData("3MVG9short", false)]
    [InlineData("4MVG9A2kN3Bn17hsWsLDatw._IVMEUBoPKv.7ksp0tz7xLX4tWDVgyzwTCA7i_yTfP.qYuNOsSoPNcdVH6DuE", false)]
    [InlineData("3MVG9A2kN3Bn17hsWsLDatw-_IVMEUBoPKv.7ksp0tz7xLX4tWDVgyzwTCA7i_yTfP.qYuNOsSoPNcdVH6DuE", false)]
    public void ConsumerKey_IsWellFormed_Shape(string clientId, bool expected) =>
        Assert.Equal(expected, SalesforceConsumerKey.IsWellFormed(clientId));
}
