using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Engine.Native;

namespace CrossLMM.Zoo.Tools.Measurement;

/// <summary>The machine a measurement ran on (printed with every latency number).</summary>
/// <param name="Cpu">CPU model name (from /proc/cpuinfo), or the architecture.</param>
/// <param name="Cores">Logical processors visible to .NET.</param>
/// <param name="Os">OS description.</param>
/// <param name="Runtime">.NET runtime.</param>
/// <param name="Engine">Tensor engine and version (<c>TorchSharp 0.107.0, libtorch 2.10.0 (CPU)</c>).</param>
/// <param name="Blas">BLAS in use (<c>MKL (linked into libtorch_cpu)</c>).</param>
/// <param name="Threads">libtorch intra-op threads when the record was taken (the count the measurements ran with:
/// the commands apply <c>--threads</c> before any work).</param>
public sealed record MachineInfo(string Cpu, int Cores, string Os, string Runtime, string Engine, string Blas, int Threads)
{
    /// <summary>This machine, now.</summary>
    public static MachineInfo Current()
    {
        TorchNativeLoader.EnsureLoaded();
        string engine = EngineInfo.Describe();
        string blas = EngineInfo.Blas;
        return new MachineInfo(CpuName(), Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            engine, blas, torch.get_num_threads());
    }

    /// <summary>One line: <c>AMD EPYC … (2 cores), TorchSharp 0.107.0, libtorch 2.10.0 (CPU), MKL (linked into libtorch_cpu), 2 threads, .NET 10.0.0</c>.</summary>
    public override string ToString() => $"{Cpu} ({Cores} cores), {Engine}, {Blas}, {ThreadCount(Threads)}, {Runtime}";

    /// <summary>"1 thread", "2 threads": libtorch's intra-op threads as the reports print them.</summary>
    /// <param name="threads">The count.</param>
    public static string ThreadCount(int threads) => threads == 1 ? "1 thread" : $"{threads} threads";

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
