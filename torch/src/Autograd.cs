using System;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

/// <summary>Sets libtorch's thread-local grad mode for its lifetime and restores the previous one on dispose.</summary>
public sealed class AutoGradMode : IDisposable
{
    private readonly bool _previous;
    private bool _disposed;

    public AutoGradMode(bool enabled)
    {
        _previous = zt_is_grad_enabled() != 0;
        zt_set_grad_enabled(enabled ? 1 : 0);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        zt_set_grad_enabled(_previous ? 1 : 0);
    }

    public static bool IsEnabled => zt_is_grad_enabled() != 0;
}

public static partial class torch
{
    /// <summary>Disables gradient recording until disposed: <c>using var _ = torch.no_grad();</c></summary>
    /// <remarks>Typed <see cref="IDisposable"/>, as in TorchSharp, so code cannot depend on <see cref="AutoGradMode"/>.</remarks>
    public static IDisposable no_grad() => new AutoGradMode(false);
    public static IDisposable enable_grad(bool enabled = true) => new AutoGradMode(enabled);
    public static bool is_grad_enabled() => zt_is_grad_enabled() != 0;
    public static void set_grad_enabled(bool enabled) => zt_set_grad_enabled(enabled ? 1 : 0);
}
