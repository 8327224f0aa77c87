using System;
using CrossLMM.Zoo.Engine;
using Xunit;

namespace CrossLMM.Zoo.Engine.Tests;

/// <summary>
/// Tests that compare the process-wide native tensor count (or RSS) before and after a workload. xunit
/// runs this collection on its own, after the parallel ones, so other tests' tensors cannot move the count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeCountersCollection
{
    public const string Name = "Native counters (not parallel)";

    /// <summary>Runs pending finalizers (of earlier tests' garbage) so they cannot move the count mid-test.</summary>
    public static long SettledLiveCount()
    {
        for (var i = 0; i < 3; i++) {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return NativeTensors.Live;
    }
}
