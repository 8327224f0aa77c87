using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Bench;

/// <summary>
/// How a C# case hands its weights, inputs and output to its PyTorch twin: one safetensors file per case in
/// <see cref="Folder"/>, written by the C# <c>[GlobalSetup]</c> (which runs before the Python side in every
/// round) and read by <c>bench/reference/exchange.py</c>. The twin runs on exactly these weights and inputs
/// and checks its output against the C# one before anything is timed.
/// <para>Layout: the module's state dict under <c>"w."</c> (its own keys), inputs under <c>"in."</c>, the C#
/// output under <c>"out"</c>; the metadata holds sizes the twin needs (JSON strings).</para>
/// </summary>
public static class Exchange
{
    /// <summary>The environment variable that names the folder for both sides.</summary>
    public const string FolderVariable = "CROSSLMM_BENCH_EXCHANGE";

    /// <summary>The folder: <c>$CROSSLMM_BENCH_EXCHANGE</c>, else <c>out/bench/exchange</c> under the repository.</summary>
    public static string Folder =>
        System.Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } d ? d : Path.Combine(BenchOptions.RepoRoot(), "out", "bench", "exchange");

    /// <summary>The file of one case id (e.g. <c>blocks.qwen2_layer</c>).</summary>
    public static string PathOf(string caseId) => Path.Combine(Folder, caseId + ".safetensors");

    /// <summary>Writes the module's weights, the inputs and the C# output (detached, contiguous copies).</summary>
    public static void Write(string caseId, nn.Module module, IReadOnlyDictionary<string, Tensor> inputs, Tensor output,
        IReadOnlyDictionary<string, string> metadata)
    {
        Directory.CreateDirectory(Folder);
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in module.state_dict()) tensors["w." + key] = value.detach().contiguous();
        foreach (var (key, value) in inputs) tensors["in." + key] = value.detach().contiguous();
        tensors["out"] = output.detach().contiguous();
        var path = PathOf(caseId);
        var temp = path + ".tmp";
        Safetensors.Save(temp, tensors, metadata);
        File.Move(temp, path, overwrite: true);
    }
}
