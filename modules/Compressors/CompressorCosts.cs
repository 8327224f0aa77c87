using System;
using System.Reflection;
using System.Runtime.ExceptionServices;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// A compressor block that states its own cost next to its forward pass, so a new kind needs no case in the cost model
/// (<see cref="VisualBlockFlops"/> and <see cref="BlockParameters"/> ask <see cref="CompressorCosts"/> for any kind they
/// do not list). The numbers must equal what the engine counts in a forward and <c>named_parameters()</c>; the kind
/// coverage tests hold every kind to that.
/// </summary>
/// <typeparam name="TConfig">The kind's record.</typeparam>
public interface ICompressorCost<TConfig>
    where TConfig : CompressorConfig
{
    /// <summary>FLOPs of one forward on (B, T, N, D) features (and a prompt of L tokens for text-guided kinds), charged to the compressor.</summary>
    /// <param name="config">The record.</param>
    /// <param name="vision">The vision section (N, D).</param>
    /// <param name="resampler">The resampler section.</param>
    /// <param name="textWidth">The prompt width (llm.hidden).</param>
    /// <param name="batch">B ≥ 1.</param>
    /// <param name="frames">T ≥ 0.</param>
    /// <param name="promptTokens">L ≥ 0.</param>
    static abstract FlopBreakdown Flops(TConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens);

    /// <summary>Parameters of the block.</summary>
    /// <param name="config">The record.</param>
    /// <param name="vision">The vision section.</param>
    /// <param name="resampler">The resampler section.</param>
    /// <param name="textWidth">The prompt width (llm.hidden).</param>
    static abstract long Parameters(TConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth);
}

/// <summary>The cost a compressor block declares through <see cref="ICompressorCost{TConfig}"/>; zero for a block that declares none (the pooling kinds).</summary>
public static class CompressorCosts
{
    /// <summary>The declared FLOPs of <paramref name="config"/>'s block (see <see cref="ICompressorCost{TConfig}.Flops"/>).</summary>
    /// <param name="config">The record.</param>
    /// <param name="vision">The vision section.</param>
    /// <param name="resampler">The resampler section.</param>
    /// <param name="textWidth">The prompt width.</param>
    /// <param name="batch">B.</param>
    /// <param name="frames">T.</param>
    /// <param name="promptTokens">L.</param>
    public static FlopBreakdown Flops(CompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens) =>
        Declared(config, nameof(ICompressorCost<CompressorConfig>.Flops), new object[] { config, vision, resampler, textWidth, batch, frames, promptTokens }) as FlopBreakdown ?? FlopBreakdown.Zero;

    /// <summary>The declared parameter count of <paramref name="config"/>'s block (see <see cref="ICompressorCost{TConfig}.Parameters"/>).</summary>
    /// <param name="config">The record.</param>
    /// <param name="vision">The vision section.</param>
    /// <param name="resampler">The resampler section.</param>
    /// <param name="textWidth">The prompt width.</param>
    public static long Parameters(CompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth) =>
        Declared(config, nameof(ICompressorCost<CompressorConfig>.Parameters), new object[] { config, vision, resampler, textWidth }) as long? ?? 0;

    private static object? Declared(CompressorConfig config, string method, object[] arguments)
    {
        ArgumentNullException.ThrowIfNull(config);
        var block = Blocks.TypeOf(config.GetType());
        var cost = typeof(ICompressorCost<>).MakeGenericType(config.GetType());
        if (block is null || !cost.IsAssignableFrom(block))
        {
            return null;
        }

        var map = block.GetInterfaceMap(cost);
        int index = Array.FindIndex(map.InterfaceMethods, m => m.Name == method);
        try
        {
            return map.TargetMethods[index].Invoke(null, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
