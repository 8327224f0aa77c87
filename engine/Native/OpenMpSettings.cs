using System;
using System.Runtime.InteropServices;

namespace CrossLMM.Zoo.Engine.Native;

/// <summary>
/// libtorch's OpenMP threads wait passively by default in the zoo: <c>OMP_WAIT_POLICY=PASSIVE</c>, set in the
/// process environment before libtorch's OpenMP runtime (its bundled libgomp) starts, unless the user set
/// <c>OMP_WAIT_POLICY</c> or <c>GOMP_SPINCOUNT</c>.
/// <para>Why: libgomp's default keeps idle worker threads spinning for a while after every parallel region.
/// When the process has as many threads as the machine has cores and anything else runs (a build, another
/// test process, the OS), the spinning threads take the cores the working thread needs. Measured on the
/// 2-core machine this project is built on, under load: the tiny CrossLMM prefill took 695 ms with 2 threads and
/// the default policy, 9.8 ms with 2 threads and the passive policy (`zoo bench crosslmm --preset tiny
/// --frames 2`). The earlier stand-in engine needed the same setting to scale past one thread.</para>
/// </summary>
public static class OpenMpSettings
{
    private const string Policy = "OMP_WAIT_POLICY";

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetEnv(string name);

    /// <summary>The wait policy in force for this process ("PASSIVE" when the zoo set it, the user's value otherwise, or null).</summary>
    public static string? WaitPolicy => OperatingSystem.IsLinux() ? Marshal.PtrToStringUTF8(GetEnv(Policy)) : Environment.GetEnvironmentVariable(Policy);

    /// <summary>Whether the zoo chose the policy (the user had set neither variable).</summary>
    public static bool SetByZoo { get; private set; }

    /// <summary>Sets the passive policy in the native environment unless the user chose one (call before libtorch loads).</summary>
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        if (GetEnv(Policy) != IntPtr.Zero || GetEnv("GOMP_SPINCOUNT") != IntPtr.Zero) return;
        // .NET's Environment.SetEnvironmentVariable does not reach the C environment libgomp reads: setenv does.
        if (SetEnv(Policy, "PASSIVE", 0) == 0)
        {
            Environment.SetEnvironmentVariable(Policy, "PASSIVE");
            SetByZoo = true;
        }
    }
}
