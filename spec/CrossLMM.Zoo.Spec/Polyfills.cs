// Records and init-only setters on netstandard2.0 need this marker type; the compiler looks it up by name.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
