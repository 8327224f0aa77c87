using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace CrossLMM.Zoo.Tools.Measurement;

/// <summary>The machine a measurement ran on (printed with every latency number).</summary>
/// <param name="Cpu">CPU model name (from /proc/cpuinfo), or the architecture.</param>
/// <param name="Cores">Logical processors visible to .NET.</param>
/// <param name="Os">OS description.</param>
/// <param name="Runtime">.NET runtime.</param>
/// <param name="Engine">Tensor engine and version (<c>libtorch 1.13.1 (CrossLMM.Torch)</c>).</param>
/// <param name="Blas">BLAS in use (<c>OpenBLAS</c>, <c>reference</c>, …).</param>
/// <param name="Threads">libtorch intra-op threads.</param>
public sealed record MachineInfo(string Cpu, int Cores, string Os, string Runtime, string Engine, string Blas, int Threads)
{
    /// <summary>This machine, now.</summary>
    public static MachineInfo Current()
    {
#if TORCHSHARP
        const string engine = "TorchSharp";
        const string blas = "bundled";
#else
        string engine = $"libtorch {CrossLMM.Zoo.Engine.EngineInfo.LibtorchVersion} (CrossLMM.Torch shim)";
        string blas = CrossLMM.Zoo.Engine.EngineInfo.BlasName();
#endif
        return new MachineInfo(CpuName(), Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            engine, blas, torch.get_num_threads());
    }

    /// <summary>One line: <c>Intel Xeon … (2 cores), libtorch 1.13.1, OpenBLAS, 2 threads, .NET 10.0.12</c>.</summary>
    public override string ToString() => $"{Cpu} ({Cores} cores), {Engine}, {Blas}, {Threads} threads, {Runtime}";

    private static string CpuName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null && line.IndexOf(':', StringComparison.Ordinal) is int i and >= 0)
            {
                return line[(i + 1)..].Trim();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
