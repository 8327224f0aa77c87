using System;
using System.Globalization;
using System.Linq;
using CrossLMM.Testing;

namespace CrossLMM.Zoo.Cli.Tests.Support;

/// <summary>How a test checkpoint is written.</summary>
/// <param name="Tied">tie_word_embeddings (no lm_head.weight key, as HF saves it).</param>
/// <param name="StoreDtype">torch dtype of the stored tensors: float32, bfloat16 or float16.</param>
/// <param name="Sharded">Two shards and a model.safetensors.index.json instead of model.safetensors.</param>
/// <param name="Layers">num_hidden_layers.</param>
/// <param name="Seed">torch.manual_seed of the random weights.</param>
public sealed record TestCheckpointSpec(bool Tied, string StoreDtype = "float32", bool Sharded = false, int Layers = 2, int Seed = 0);

/// <summary>
/// Writes a Hugging Face <c>Qwen2ForCausalLM</c> checkpoint folder with random weights using Debian's PyTorch (exact HF
/// key names, config.json fields, bf16 storage when asked, Qwen's real tokenizer.json and tokenizer_config.json),
/// and computes the reference logits and greedy tokens with a PyTorch re-implementation of HF's
/// <c>modeling_qwen2.py</c> forward (eager attention): RMSNorm in float32, RoPE with rope_theta (HF's
/// <c>rotate_half</c>), GQA by <c>repeat_kv</c>, SwiGLU MLP, tied or separate head. Tiny sizes (hidden 32, 4
/// heads, 2 KV heads), vocabulary 151,936 as in Qwen2.5.
/// </summary>
public static class HfQwen2Reference
{
    /// <summary>Greedy steps the reference decodes.</summary>
    public const int GreedySteps = 32;

    /// <summary>Writes the folder and returns the reference: <c>logits</c> (S, V) for the prompt, <c>greedy</c> (n) ids.</summary>
    /// <param name="folder">An empty folder.</param>
    /// <param name="spec">How to write it.</param>
    /// <param name="promptIds">The prompt.</param>
    public static ReferenceResult WriteAndRun(string folder, TestCheckpointSpec spec, int[] promptIds)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string ids = string.Join(", ", promptIds.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        string snippet = Snippet
            .Replace("@FOLDER@", Quote(folder), StringComparison.Ordinal)
            .Replace("@TOKENIZER@", Quote(QwenTokenizerPackage.TokenizerJson), StringComparison.Ordinal)
            .Replace("@TOKENIZER_CONFIG@", Quote(QwenTokenizerPackage.TokenizerConfigJson), StringComparison.Ordinal)
            .Replace("@TIED@", spec.Tied ? "True" : "False", StringComparison.Ordinal)
            .Replace("@DTYPE@", spec.StoreDtype, StringComparison.Ordinal)
            .Replace("@SHARDED@", spec.Sharded ? "True" : "False", StringComparison.Ordinal)
            .Replace("@LAYERS@", spec.Layers.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@SEED@", spec.Seed.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@STEPS@", GreedySteps.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@PROMPT@", ids, StringComparison.Ordinal);
        return PyTorchReference.Run(snippet, null, TimeSpan.FromMinutes(3));
    }

    private static string Quote(string s) => "r'" + s.Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private const string Snippet = """
        import json, os, shutil, __main__
        folder, tied, store, sharded = @FOLDER@, @TIED@, getattr(torch, '@DTYPE@'), @SHARDED@
        cfg = {
            "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu",
            "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": @LAYERS@,
            "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 151936,
            "max_position_embeddings": 4096, "rope_theta": 1000000.0, "rms_norm_eps": 1e-6,
            "tie_word_embeddings": tied, "torch_dtype": "@DTYPE@", "use_sliding_window": False,
            "sliding_window": 4096, "max_window_layers": 21, "rope_scaling": None, "attention_dropout": 0.0,
            "bos_token_id": 151643, "eos_token_id": 151645, "initializer_range": 0.02, "use_cache": True,
        }
        H, L, nh, nkv, I, V = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["intermediate_size"], cfg["vocab_size"]
        hd = H // nh
        g = torch.Generator().manual_seed(@SEED@)
        def rnd(*shape, std):
            return torch.randn(*shape, generator=g) * std
        sd = {"model.embed_tokens.weight": rnd(V, H, std=1.0)}
        for i in range(L):
            p = f"model.layers.{i}."
            sd[p + "input_layernorm.weight"] = 1 + rnd(H, std=0.1)
            sd[p + "self_attn.q_proj.weight"] = rnd(nh * hd, H, std=H ** -0.5)
            sd[p + "self_attn.q_proj.bias"] = rnd(nh * hd, std=0.1)
            sd[p + "self_attn.k_proj.weight"] = rnd(nkv * hd, H, std=H ** -0.5)
            sd[p + "self_attn.k_proj.bias"] = rnd(nkv * hd, std=0.1)
            sd[p + "self_attn.v_proj.weight"] = rnd(nkv * hd, H, std=H ** -0.5)
            sd[p + "self_attn.v_proj.bias"] = rnd(nkv * hd, std=0.1)
            sd[p + "self_attn.o_proj.weight"] = rnd(H, nh * hd, std=H ** -0.5)
            sd[p + "post_attention_layernorm.weight"] = 1 + rnd(H, std=0.1)
            sd[p + "mlp.gate_proj.weight"] = rnd(I, H, std=H ** -0.5)
            sd[p + "mlp.up_proj.weight"] = rnd(I, H, std=H ** -0.5)
            sd[p + "mlp.down_proj.weight"] = rnd(H, I, std=I ** -0.5)
        sd["model.norm.weight"] = 1 + rnd(H, std=0.1)
        if not tied:
            sd["lm_head.weight"] = rnd(V, H, std=H ** -0.5)
        sd = {k: v.to(store).contiguous() for k, v in sd.items()}
        os.makedirs(folder, exist_ok=True)
        if sharded:
            keys = sorted(sd)
            half = len(keys) // 2
            shards = {"model-00001-of-00002.safetensors": keys[:half], "model-00002-of-00002.safetensors": keys[half:]}
            for name, ks in shards.items():
                __main__.save_safetensors(os.path.join(folder, name), {k: sd[k] for k in ks})
            index = {"metadata": {"total_size": sum(v.numel() * v.element_size() for v in sd.values())},
                     "weight_map": {k: name for name, ks in shards.items() for k in ks}}
            with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
                json.dump(index, f, indent=2)
        else:
            __main__.save_safetensors(os.path.join(folder, "model.safetensors"), sd)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
        shutil.copy(@TOKENIZER@, os.path.join(folder, "tokenizer.json"))
        shutil.copy(@TOKENIZER_CONFIG@, os.path.join(folder, "tokenizer_config.json"))

        # --- HF modeling_qwen2.py, eager path, in float32 on the stored values ---
        w = {k: v.float() for k, v in sd.items()}
        eps, theta = cfg["rms_norm_eps"], cfg["rope_theta"]
        def rms_norm(x, weight):
            variance = x.to(torch.float32).pow(2).mean(-1, keepdim=True)
            return weight * (x * torch.rsqrt(variance + eps))
        def rotate_half(x):
            x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
            return torch.cat((-x2, x1), dim=-1)
        inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
        def forward(ids):
            S = len(ids)
            h = w["model.embed_tokens.weight"][torch.tensor(ids)].unsqueeze(0)            # [1, S, H]
            pos = torch.arange(S).float()
            freqs = torch.outer(pos, inv_freq)
            emb = torch.cat((freqs, freqs), dim=-1)
            cos, sin = emb.cos()[None, None], emb.sin()[None, None]                         # [1, 1, S, d]
            mask = torch.full((S, S), float("-inf")).triu(1)
            for i in range(L):
                p = f"model.layers.{i}."
                x = rms_norm(h, w[p + "input_layernorm.weight"])
                q = F.linear(x, w[p + "self_attn.q_proj.weight"], w[p + "self_attn.q_proj.bias"]).view(1, S, nh, hd).transpose(1, 2)
                k = F.linear(x, w[p + "self_attn.k_proj.weight"], w[p + "self_attn.k_proj.bias"]).view(1, S, nkv, hd).transpose(1, 2)
                v = F.linear(x, w[p + "self_attn.v_proj.weight"], w[p + "self_attn.v_proj.bias"]).view(1, S, nkv, hd).transpose(1, 2)
                q = q * cos + rotate_half(q) * sin
                k = k * cos + rotate_half(k) * sin
                k = k.repeat_interleave(nh // nkv, dim=1)                                  # repeat_kv
                v = v.repeat_interleave(nh // nkv, dim=1)
                scores = q @ k.transpose(2, 3) / math.sqrt(hd) + mask
                attn = F.softmax(scores, dim=-1, dtype=torch.float32) @ v                  # [1, nh, S, d]
                h = h + F.linear(attn.transpose(1, 2).reshape(1, S, nh * hd), w[p + "self_attn.o_proj.weight"])
                x = rms_norm(h, w[p + "post_attention_layernorm.weight"])
                h = h + F.linear(F.silu(F.linear(x, w[p + "mlp.gate_proj.weight"])) * F.linear(x, w[p + "mlp.up_proj.weight"]), w[p + "mlp.down_proj.weight"])
            return rms_norm(h, w["model.norm.weight"])[0]                                  # [S, H]
        head = w["model.embed_tokens.weight"] if tied else w["lm_head.weight"]
        prompt = [@PROMPT@]
        with torch.no_grad():
            outputs["logits"] = F.linear(forward(prompt), head)
            ids, new = list(prompt), []
            for _ in range(@STEPS@):
                nxt = int(F.linear(forward(ids)[-1], head).argmax())
                new.append(nxt)
                ids.append(nxt)
                if nxt in (151643, 151645):
                    break
            outputs["greedy"] = torch.tensor(new, dtype=torch.int64)
        """;
}
