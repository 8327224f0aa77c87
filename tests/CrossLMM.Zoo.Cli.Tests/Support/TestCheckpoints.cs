using System.Collections.Generic;
using System.IO;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Modules.Language;

namespace CrossLMM.Zoo.Cli.Tests.Support;

/// <summary>
/// Tiny Qwen2ForCausalLM checkpoint folders written from C# (the zoo's own random model saved under its state-dict
/// names, which are HF's), for the loader's error paths; the PyTorch-written ones are in <see cref="HfQwen2Reference"/>.
/// </summary>
public static class TestCheckpoints
{
    /// <summary>The config.json of a tiny Qwen2 (hidden 32, 4/2 heads, Qwen2.5's vocabulary).</summary>
    public static string ConfigJson(int layers, bool tied, string architecture = "Qwen2ForCausalLM") => $$"""
        {"architectures": ["{{architecture}}"], "model_type": "qwen2", "hidden_act": "silu", "hidden_size": 32,
         "intermediate_size": 64, "num_hidden_layers": {{layers}}, "num_attention_heads": 4, "num_key_value_heads": 2,
         "vocab_size": 151936, "max_position_embeddings": 256, "rope_theta": 10000.0, "rms_norm_eps": 1e-6,
         "tie_word_embeddings": {{(tied ? "true" : "false")}}, "torch_dtype": "float32", "eos_token_id": 151645}
        """;

    /// <summary>Writes a folder; <paramref name="edit"/> may change the tensors before they are saved.</summary>
    public static void Write(string folder, int layers = 2, bool tied = true, System.Action<Dictionary<string, Tensor>>? edit = null)
    {
        Directory.CreateDirectory(folder);
        var llm = new LanguageModelConfig(LanguageModelKind.Qwen2, 32, layers, 4, 2, 64, 151936, 10000.0, 1e-6, tied, 256);
        using var model = new Qwen2ForCausalLM(llm);
        var tensors = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        edit?.Invoke(tensors);
        Safetensors.Save(Path.Combine(folder, "model.safetensors"), tensors);
        foreach (var t in tensors.Values) t.Dispose();
        File.WriteAllText(Path.Combine(folder, "config.json"), ConfigJson(layers, tied));
        File.Copy(QwenTokenizerPackage.TokenizerJson, Path.Combine(folder, "tokenizer.json"), overwrite: true);
        File.Copy(QwenTokenizerPackage.TokenizerConfigJson, Path.Combine(folder, "tokenizer_config.json"), overwrite: true);
    }
}
