using System;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine.Native;

/// <summary>
/// The address of a CPU tensor's first element, for bulk reads and writes (safetensors) without a copy.
/// TorchSharp keeps its P/Invokes internal; <c>THSTensor_data</c> is the export its own <c>Tensor.bytes</c> uses.
/// </summary>
internal static class TensorData
{
    [DllImport("LibTorchSharp", EntryPoint = "THSTensor_data")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    /// <summary>The address of element 0 of <paramref name="tensor"/>, which must be a contiguous CPU tensor.</summary>
    public static IntPtr Address(Tensor tensor)
    {
        if (tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous())
        {
            throw new ArgumentException($"a raw data address needs a contiguous CPU tensor (device {tensor.device}, shape [{string.Join(", ", tensor.shape)}])", nameof(tensor));
        }

        var address = THSTensor_data(tensor.Handle);
        if (address == IntPtr.Zero && tensor.numel() > 0)
        {
            throw new InvalidOperationException($"libtorch returned no data address for a tensor of shape [{string.Join(", ", tensor.shape)}]");
        }

        return address;
    }
}
