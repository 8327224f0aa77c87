using System.Runtime.CompilerServices;
using CrossLMM.Zoo.Engine.Native;

namespace CrossLMM.Zoo.Modules;

/// <summary>
/// Loads TorchSharp's natives (with the Debian 12 libstdc++ fix where needed) when the zoo's modules assembly is
/// loaded, so a program or notebook that builds a zoo model needs no set-up call of its own. Code that calls
/// <c>torch</c> before touching any zoo type calls <see cref="TorchNativeLoader.EnsureLoaded"/> first.
/// </summary>
internal static class TorchNatives
{
#pragma warning disable CA2255 // a library initializer on purpose: TorchSharp must not initialise before the fix is in place
    [ModuleInitializer]
    internal static void Initialize() => TorchNativeLoader.EnsureLoaded();
#pragma warning restore CA2255
}
