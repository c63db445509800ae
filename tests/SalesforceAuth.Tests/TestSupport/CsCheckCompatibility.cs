#if !NET10_0_OR_GREATER
namespace CsCheck;

/// <summary>
/// The net8.0 leg builds against CsCheck 4 (CsCheck 5 targets net10.0 and later only), whose generator over constant
/// values is <c>Gen.OneOfConst</c>; CsCheck 5 renamed it to <c>Gen.OneOf</c>. This gives CsCheck 4 the new name so
/// the property tests read the same on both runtimes.
/// </summary>
internal static class CsCheckCompatibility
{
    extension(Gen)
    {
        public static Gen<T> OneOf<T>(params T[] constants) => Gen.OneOfConst(constants);
    }
}
#endif
