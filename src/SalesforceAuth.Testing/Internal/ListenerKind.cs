namespace SalesforceAuth.Testing.Internal;

internal enum ListenerKind
{
    Login,
    Sandbox,
    MyDomain,
    Pod,
    Site,
}
