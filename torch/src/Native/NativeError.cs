using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TorchSharp.Native;

/// <summary>
/// Turns the shim's error sentinels into .NET exceptions. Every exported shim function catches
/// c10::Error and std::exception and leaves the message in a thread-local buffer, so a libtorch error
/// always surfaces here as an <see cref="ExternalException"/> carrying libtorch's own message (the type
/// TorchSharp throws), never as a crashed process.
/// </summary>
internal static class NativeError
{
    /// <summary>Returns <paramref name="handle"/>, or throws the pending libtorch error if it is null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static IntPtr Check(IntPtr handle)
    {
        if (handle == IntPtr.Zero) Throw();
        return handle;
    }

    /// <summary>Throws the pending libtorch error if <paramref name="status"/> is negative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Check(int status)
    {
        if (status < 0) Throw();
        return status;
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Throw() => throw Take();

    /// <summary>Whether a null result from a function that may legitimately return null was an error.</summary>
    internal static bool Pending => NativeMethods.zt_last_error_kind() != 0;

    internal static Exception Take()
    {
        var message = Marshal.PtrToStringUTF8(NativeMethods.zt_last_error()) ?? "unknown libtorch error";
        return new ExternalException(message.TrimEnd());
    }
}
