using System.Runtime.CompilerServices;
using CrossLMM.Zoo.Engine.Native;

namespace CrossLMM.Zoo.Tests.Shared;

/// <summary>
/// Loads TorchSharp's natives (with the Debian 12 libstdc++ fix where needed) when the test assembly is loaded,
/// before any test touches <c>torch</c>. Linked into every test project that uses TorchSharp.
/// </summary>
internal static class TorchNativesInitializer
{
    [ModuleInitializer]
    internal static void Initialize() => TorchNativeLoader.EnsureLoaded();
}
