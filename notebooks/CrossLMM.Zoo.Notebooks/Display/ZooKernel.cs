using CrossLMM.Zoo.Engine.Native;

namespace CrossLMM.Zoo.Notebooks.Display;

/// <summary>
/// What the package's kernel extension (<c>interactive-extensions/dotnet/extension.dib</c>) runs when a notebook
/// references the package: TorchSharp's natives are loaded before any cell touches <c>torch</c> (by absolute
/// path from the NuGet packages folder, with the Debian 12 libstdc++ fix where needed, so that a system
/// libtorch is never picked up by name), and the formatters of <see cref="Show"/> are registered.
/// </summary>
public static class ZooKernel
{
    /// <summary>Loads the natives and registers the formatters (idempotent).</summary>
    /// <returns>Where TorchSharp's natives came from and whether the libstdc++ fix was applied.</returns>
    public static TorchNativeReport Load()
    {
        var report = TorchNativeLoader.EnsureLoaded();
        Show.Register();
        return report;
    }
}
