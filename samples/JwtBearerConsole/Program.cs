using JwtBearerConsole;
using SalesforceAuth.Samples;

// dotnet run --project samples/JwtBearerConsole
// With no SF_* variables it runs against FakeSalesforce, a local emulator; with SF_LOGIN_URL, SF_CLIENT_ID,
// SF_USERNAME and SF_PRIVATE_KEY set it runs the same steps against your org.
return await SampleConsole.RunAsync(JwtBearerApp.RunAsync);
