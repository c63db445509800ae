using AotConsole;
using SalesforceAuth.Samples;

// dotnet publish samples/AotConsole -c Release -p:PublishAot=true, then run the native binary with SF_LOGIN_URL,
// SF_CLIENT_ID, SF_USERNAME and SF_PRIVATE_KEY set (and SF_ALLOW_INSECURE_LOOPBACK=1 for an emulator on loopback).
return await SampleConsole.RunAsync(AotConsoleApp.RunAsync);
