using System;
using System.Globalization;
using System.Linq;
using CrossLMM.Testing;

namespace CrossLMM.Zoo.Cli.Tests.Support;

/// <summary>How a test LLaVA-OneVision checkpoint is written.</summary>
/// <param name="FeatureLayer">vision_feature_layer (−1 in the released models).</param>
/// <param name="CurrentLayout">Save with transformers ≥ 4.52's keys (<c>model.language_model.*</c>) instead of the released files' (<c>language_model.model.*</c>).</param>
/// <param name="StoreDtype">torch dtype of the stored tensors.</param>
/// <param name="Seed">torch.manual_seed of the weights.</param>
public sealed record TestLlavaSpec(int FeatureLayer = -1, bool CurrentLayout = false, string StoreDtype = "float32", int Seed = 0);

/// <summary>
/// Hugging Face <c>SiglipVisionModel</c> and <c>LlavaOnevisionForConditionalGeneration</c> checkpoint folders written by
/// Debian's PyTorch with random weights (HF's key names and config.json fields), and an independent PyTorch
/// re-implementation of HF's forward (<c>modeling_siglip.py</c>: patch conv + learned positions, pre-LN blocks with
/// tanh-GELU MLPs, post-layernorm, the MAP head through <c>torch.nn.MultiheadAttention</c>;
/// <c>modeling_llava_onevision.py</c>'s video path: <c>hidden_states[vision_feature_layer]</c>, projector, bilinear
/// <c>interpolate</c> to ⌈g/2⌉², <c>image_newline</c> after the frames, <c>masked_scatter</c> into the
/// <c>&lt;video&gt;</c> positions, Qwen2). Tiny sizes: SigLIP 40 px / patch 8 (a 5×5 grid, so pooling rounds up to 3×3),
/// width 32, 3 layers; Qwen2 width 32, 4 layers, 4/2 heads, vocabulary 151,936.
/// </summary>
public static class HfVisionReference
{
    /// <summary>Greedy steps the LLaVA reference decodes.</summary>
    public const int GreedySteps = 32;

    /// <summary>Pixels of the tiny SigLIP (image side).</summary>
    public const int Image = 40;

    /// <summary>Visual tokens per frame after pooling (3×3).</summary>
    public const int PooledPerFrame = 9;

    /// <summary>
    /// Writes a SigLIP folder (with the pooling head, bf16 storage) and returns <c>last_hidden_state</c> (B·T, N, D) and
    /// <c>pooler_output</c> (B·T, D) for <c>inputs['pixels']</c> (B·T, 3, 40, 40).
    /// </summary>
    /// <param name="folder">An empty folder.</param>
    /// <param name="pixels">(B·T, 3, 40, 40).</param>
    public static ReferenceResult WriteSiglip(string folder, Tensor pixels) =>
        PyTorchReference.Run(Prelude + "\n" + SiglipSnippet.Replace("@FOLDER@", Quote(folder), StringComparison.Ordinal), Inputs(("pixels", pixels)), TimeSpan.FromMinutes(2));

    /// <summary>
    /// Writes Qwen's tokenizer into <paramref name="folder"/> as the LLaVA-OneVision checkpoints ship it: the added tokens 151646 and
    /// 151647 spell <c>&lt;image&gt;</c> and <c>&lt;video&gt;</c>. Returns the tokenizer.json path.
    /// </summary>
    /// <param name="folder">The checkpoint folder (created if needed).</param>
    public static string WriteLlavaTokenizer(string folder)
    {
        System.IO.Directory.CreateDirectory(folder);
        string json = System.IO.File.ReadAllText(QwenTokenizerPackage.TokenizerJson)
            .Replace("\"<|object_ref_start|>\"", "\"<image>\"", StringComparison.Ordinal)
            .Replace("\"<|object_ref_end|>\"", "\"<video>\"", StringComparison.Ordinal);
        string path = System.IO.Path.Combine(folder, "tokenizer.json");
        System.IO.File.WriteAllText(path, json);
        System.IO.File.Copy(QwenTokenizerPackage.TokenizerConfigJson, System.IO.Path.Combine(folder, "tokenizer_config.json"), overwrite: true);
        return path;
    }

    /// <summary>
    /// Writes a LLaVA-OneVision folder's weights and config.json (the tokenizer: <see cref="WriteLlavaTokenizer"/>) <c>&lt;image&gt;</c>/<c>&lt;video&gt;</c> at 151646/151647) and
    /// returns <c>logits</c> (S, V) for <paramref name="promptIds"/> (the <c>&lt;video&gt;</c> placeholder already expanded)
    /// with <c>inputs['video']</c> (T, 3, 40, 40), and <c>greedy</c> (n) ids from recomputing the whole forward per step.
    /// </summary>
    /// <param name="folder">An empty folder.</param>
    /// <param name="spec">How to write it.</param>
    /// <param name="video">(T, 3, 40, 40) pixels.</param>
    /// <param name="promptIds">The expanded prompt.</param>
    public static ReferenceResult WriteLlava(string folder, TestLlavaSpec spec, Tensor video, int[] promptIds)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string snippet = (Prelude + "\n" + LlavaSnippet)
            .Replace("@FOLDER@", Quote(folder), StringComparison.Ordinal)
            .Replace("@FEATURE_LAYER@", spec.FeatureLayer.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@CURRENT@", spec.CurrentLayout ? "True" : "False", StringComparison.Ordinal)
            .Replace("@DTYPE@", spec.StoreDtype, StringComparison.Ordinal)
            .Replace("@SEED@", spec.Seed.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@STEPS@", GreedySteps.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@PROMPT@", string.Join(", ", promptIds.Select(i => i.ToString(CultureInfo.InvariantCulture))), StringComparison.Ordinal);
        return PyTorchReference.Run(snippet, Inputs(("video", video)), TimeSpan.FromMinutes(3));
    }

    private static System.Collections.Generic.Dictionary<string, Tensor> Inputs((string Name, Tensor Value) input) => new() { [input.Name] = input.Value };

    private static string Quote(string s) => "r'" + s.Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private const string Prelude = """
        import json, os, shutil, __main__
        def vision_cfg(use_head):
            return {"model_type": "siglip_vision_model", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 3,
                    "num_attention_heads": 4, "num_channels": 3, "image_size": 40, "patch_size": 8, "hidden_act": "gelu_pytorch_tanh",
                    "layer_norm_eps": 1e-6, "attention_dropout": 0.0, "vision_use_head": use_head}
        def rnd(g, *shape, std):
            return torch.randn(*shape, generator=g) * std
        def siglip_weights(g, p, c):
            D, I, C, P = c["hidden_size"], c["intermediate_size"], c["num_channels"], c["patch_size"]
            N = (c["image_size"] // P) ** 2
            w = {p + "embeddings.patch_embedding.weight": rnd(g, D, C, P, P, std=(C * P * P) ** -0.5),
                 p + "embeddings.patch_embedding.bias": rnd(g, D, std=0.1),
                 p + "embeddings.position_embedding.weight": rnd(g, N, D, std=D ** -0.5)}
            for i in range(c["num_hidden_layers"]):
                q = f"{p}encoder.layers.{i}."
                for n in ("layer_norm1", "layer_norm2"):
                    w[q + n + ".weight"] = 1 + rnd(g, D, std=0.1)
                    w[q + n + ".bias"] = rnd(g, D, std=0.1)
                for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
                    w[q + "self_attn." + n + ".weight"] = rnd(g, D, D, std=D ** -0.5)
                    w[q + "self_attn." + n + ".bias"] = rnd(g, D, std=0.1)
                w[q + "mlp.fc1.weight"] = rnd(g, I, D, std=D ** -0.5)
                w[q + "mlp.fc1.bias"] = rnd(g, I, std=0.1)
                w[q + "mlp.fc2.weight"] = rnd(g, D, I, std=I ** -0.5)
                w[q + "mlp.fc2.bias"] = rnd(g, D, std=0.1)
            w[p + "post_layernorm.weight"] = 1 + rnd(g, D, std=0.1)
            w[p + "post_layernorm.bias"] = rnd(g, D, std=0.1)
            if c["vision_use_head"]:
                w[p + "head.probe"] = rnd(g, 1, 1, D, std=1.0)
                w[p + "head.attention.in_proj_weight"] = rnd(g, 3 * D, D, std=D ** -0.5)
                w[p + "head.attention.in_proj_bias"] = rnd(g, 3 * D, std=0.1)
                w[p + "head.attention.out_proj.weight"] = rnd(g, D, D, std=D ** -0.5)
                w[p + "head.attention.out_proj.bias"] = rnd(g, D, std=0.1)
                w[p + "head.layernorm.weight"] = 1 + rnd(g, D, std=0.1)
                w[p + "head.layernorm.bias"] = rnd(g, D, std=0.1)
                w[p + "head.mlp.fc1.weight"] = rnd(g, I, D, std=D ** -0.5)
                w[p + "head.mlp.fc1.bias"] = rnd(g, I, std=0.1)
                w[p + "head.mlp.fc2.weight"] = rnd(g, D, I, std=I ** -0.5)
                w[p + "head.mlp.fc2.bias"] = rnd(g, D, std=0.1)
            return w
        def siglip_hidden_states(w, p, c, pixels):
            # HF SiglipVisionTransformer with output_hidden_states: (embeddings, block 1, ..., block L); then post_layernorm
            D, nh, eps = c["hidden_size"], c["num_attention_heads"], c["layer_norm_eps"]
            hd = D // nh
            x = F.conv2d(pixels, w[p + "embeddings.patch_embedding.weight"], w[p + "embeddings.patch_embedding.bias"], stride=c["patch_size"])
            x = x.flatten(2).transpose(1, 2) + w[p + "embeddings.position_embedding.weight"][None]
            states = [x]
            B, S = x.shape[0], x.shape[1]
            for i in range(c["num_hidden_layers"]):
                q = f"{p}encoder.layers.{i}."
                h = F.layer_norm(x, (D,), w[q + "layer_norm1.weight"], w[q + "layer_norm1.bias"], eps)
                def proj(n):
                    return F.linear(h, w[q + "self_attn." + n + ".weight"], w[q + "self_attn." + n + ".bias"]).view(B, S, nh, hd).transpose(1, 2)
                scores = proj("q_proj") @ proj("k_proj").transpose(2, 3) * hd ** -0.5
                attn = F.softmax(scores, dim=-1, dtype=torch.float32) @ proj("v_proj")
                x = x + F.linear(attn.transpose(1, 2).reshape(B, S, D), w[q + "self_attn.out_proj.weight"], w[q + "self_attn.out_proj.bias"])
                h = F.layer_norm(x, (D,), w[q + "layer_norm2.weight"], w[q + "layer_norm2.bias"], eps)
                h = F.linear(F.gelu(F.linear(h, w[q + "mlp.fc1.weight"], w[q + "mlp.fc1.bias"]), approximate="tanh"), w[q + "mlp.fc2.weight"], w[q + "mlp.fc2.bias"])
                x = x + h
                states.append(x)
            last = F.layer_norm(x, (D,), w[p + "post_layernorm.weight"], w[p + "post_layernorm.bias"], eps)
            return states, last
        def save_folder(folder, sd, cfg):
            os.makedirs(folder, exist_ok=True)
            __main__.save_safetensors(os.path.join(folder, "model.safetensors"), sd)
            with open(os.path.join(folder, "config.json"), "w") as f:
                json.dump(cfg, f, indent=2)
        """;

    private const string SiglipSnippet = """
        folder = @FOLDER@
        c = vision_cfg(True)
        g = torch.Generator().manual_seed(3)
        sd = {k: v.to(torch.bfloat16).contiguous() for k, v in siglip_weights(g, "vision_model.", c).items()}
        save_folder(folder, sd, dict(c, architectures=["SiglipVisionModel"], torch_dtype="bfloat16"))
        w = {k: v.float() for k, v in sd.items()}
        with torch.no_grad():
            _, last = siglip_hidden_states(w, "vision_model.", c, inputs["pixels"])
            D = c["hidden_size"]
            mha = nn.MultiheadAttention(D, c["num_attention_heads"], batch_first=True)
            mha.load_state_dict({"in_proj_weight": w["vision_model.head.attention.in_proj_weight"], "in_proj_bias": w["vision_model.head.attention.in_proj_bias"],
                                 "out_proj.weight": w["vision_model.head.attention.out_proj.weight"], "out_proj.bias": w["vision_model.head.attention.out_proj.bias"]})
            probe = w["vision_model.head.probe"].repeat(last.shape[0], 1, 1)
            h = mha(probe, last, last)[0]
            r = F.layer_norm(h, (D,), w["vision_model.head.layernorm.weight"], w["vision_model.head.layernorm.bias"], c["layer_norm_eps"])
            h = h + F.linear(F.gelu(F.linear(r, w["vision_model.head.mlp.fc1.weight"], w["vision_model.head.mlp.fc1.bias"]), approximate="tanh"),
                             w["vision_model.head.mlp.fc2.weight"], w["vision_model.head.mlp.fc2.bias"])
            outputs["last_hidden_state"] = last
            outputs["pooler_output"] = h[:, 0]
        """;

    private const string LlavaSnippet = """
        folder, current, store = @FOLDER@, @CURRENT@, getattr(torch, '@DTYPE@')
        vc = vision_cfg(False)
        tc = {"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "hidden_act": "silu", "hidden_size": 32, "intermediate_size": 64,
              "num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 151936,
              "max_position_embeddings": 4096, "rope_theta": 1000000.0, "rms_norm_eps": 1e-6, "tie_word_embeddings": True,
              "use_sliding_window": False, "rope_scaling": None, "eos_token_id": 151645}
        cfg = {"architectures": ["LlavaOnevisionForConditionalGeneration"], "model_type": "llava_onevision", "vision_config": vc, "text_config": tc,
               "vision_feature_layer": @FEATURE_LAYER@, "vision_feature_select_strategy": "full", "projector_hidden_act": "gelu",
               "image_token_index": 151646, "video_token_index": 151647, "tie_word_embeddings": True, "torch_dtype": "@DTYPE@",
               "vision_aspect_ratio": "anyres_max_9", "multimodal_projector_bias": True}
        D, H, L, nh, nkv, I, V = 32, 32, 4, 4, 2, 64, 151936
        hd = H // nh
        g = torch.Generator().manual_seed(@SEED@)
        sd = siglip_weights(g, "vision_tower.vision_model.", vc)
        sd["multi_modal_projector.linear_1.weight"] = rnd(g, H, D, std=D ** -0.5)
        sd["multi_modal_projector.linear_1.bias"] = rnd(g, H, std=0.1)
        sd["multi_modal_projector.linear_2.weight"] = rnd(g, H, H, std=H ** -0.5)
        sd["multi_modal_projector.linear_2.bias"] = rnd(g, H, std=0.1)
        sd["image_newline"] = rnd(g, H, std=H ** -0.5)
        sd["language_model.model.embed_tokens.weight"] = rnd(g, V, H, std=1.0)
        for i in range(L):
            p = f"language_model.model.layers.{i}."
            sd[p + "input_layernorm.weight"] = 1 + rnd(g, H, std=0.1)
            for n, rows in (("q_proj", nh * hd), ("k_proj", nkv * hd), ("v_proj", nkv * hd)):
                sd[p + "self_attn." + n + ".weight"] = rnd(g, rows, H, std=H ** -0.5)
                sd[p + "self_attn." + n + ".bias"] = rnd(g, rows, std=0.1)
            sd[p + "self_attn.o_proj.weight"] = rnd(g, H, nh * hd, std=H ** -0.5)
            sd[p + "post_attention_layernorm.weight"] = 1 + rnd(g, H, std=0.1)
            sd[p + "mlp.gate_proj.weight"] = rnd(g, I, H, std=H ** -0.5)
            sd[p + "mlp.up_proj.weight"] = rnd(g, I, H, std=H ** -0.5)
            sd[p + "mlp.down_proj.weight"] = rnd(g, H, I, std=I ** -0.5)
        sd["language_model.model.norm.weight"] = 1 + rnd(g, H, std=0.1)
        sd = {k: v.to(store).contiguous() for k, v in sd.items()}
        w = {k: v.float() for k, v in sd.items()}
        if current:   # transformers >= 4.52 (LlavaOnevisionForConditionalGeneration._checkpoint_conversion_mapping, inverted)
            def rename(k):
                for old, new in (("language_model.model.", "model.language_model."), ("vision_tower.", "model.vision_tower."),
                                 ("multi_modal_projector.", "model.multi_modal_projector."), ("image_newline", "model.image_newline")):
                    if k.startswith(old):
                        return new + k[len(old):]
                return k
            sd = {rename(k): v for k, v in sd.items()}
        save_folder(folder, sd, cfg)

        def video_features(pixels):
            states, _ = siglip_hidden_states(w, "vision_tower.vision_model.", vc, pixels)
            x = states[cfg["vision_feature_layer"]]                                            # [T, N, D]
            x = F.linear(F.gelu(F.linear(x, w["multi_modal_projector.linear_1.weight"], w["multi_modal_projector.linear_1.bias"])),
                         w["multi_modal_projector.linear_2.weight"], w["multi_modal_projector.linear_2.bias"])
            side = vc["image_size"] // vc["patch_size"]
            x = x.view(x.shape[0], side, side, -1).permute(0, 3, 1, 2)
            x = F.interpolate(x, size=[math.ceil(side / 2), math.ceil(side / 2)], mode="bilinear")
            x = x.permute(0, 2, 3, 1).reshape(1, -1, H)                                       # [1, T*o*o, H]
            return torch.cat((x, w["image_newline"][None, None]), dim=1).flatten(0, 1)      # [T*o*o + 1, H]
        eps, theta = tc["rms_norm_eps"], tc["rope_theta"]
        def rms_norm(x, weight):
            return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))
        def rotate_half(x):
            return torch.cat((-x[..., hd // 2:], x[..., : hd // 2]), dim=-1)
        inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
        emb_w = w["language_model.model.embed_tokens.weight"]
        def forward(ids, feats):
            S = len(ids)
            ids_t = torch.tensor(ids)
            h = emb_w[ids_t].clone()
            mask = ids_t == cfg["video_token_index"]
            assert int(mask.sum()) == feats.shape[0], (int(mask.sum()), feats.shape)
            h[mask] = feats                                                                    # masked_scatter
            h = h[None]
            freqs = torch.outer(torch.arange(S).float(), inv_freq)
            e = torch.cat((freqs, freqs), dim=-1)
            cos, sin = e.cos()[None, None], e.sin()[None, None]
            causal = torch.full((S, S), float("-inf")).triu(1)
            for i in range(L):
                p = f"language_model.model.layers.{i}."
                x = rms_norm(h, w[p + "input_layernorm.weight"])
                def proj(n, heads):
                    return F.linear(x, w[p + "self_attn." + n + ".weight"], w[p + "self_attn." + n + ".bias"]).view(1, S, heads, hd).transpose(1, 2)
                q, k, v = proj("q_proj", nh), proj("k_proj", nkv), proj("v_proj", nkv)
                q = q * cos + rotate_half(q) * sin
                k = (k * cos + rotate_half(k) * sin).repeat_interleave(nh // nkv, dim=1)
                v = v.repeat_interleave(nh // nkv, dim=1)
                attn = F.softmax(q @ k.transpose(2, 3) / math.sqrt(hd) + causal, dim=-1, dtype=torch.float32) @ v
                h = h + F.linear(attn.transpose(1, 2).reshape(1, S, H), w[p + "self_attn.o_proj.weight"])
                x = rms_norm(h, w[p + "post_attention_layernorm.weight"])
                h = h + F.linear(F.silu(F.linear(x, w[p + "mlp.gate_proj.weight"])) * F.linear(x, w[p + "mlp.up_proj.weight"]), w[p + "mlp.down_proj.weight"])
            return F.linear(rms_norm(h, w["language_model.model.norm.weight"])[0], emb_w)    # tied head: [S, V]
        prompt = [@PROMPT@]
        with torch.no_grad():
            feats = video_features(inputs["video"])
            outputs["logits"] = forward(prompt, feats)
            ids, new = list(prompt), []
            for _ in range(@STEPS@):
                nxt = int(forward(ids, feats)[-1].argmax())
                new.append(nxt)
                ids.append(nxt)
                if nxt in (151643, 151645):
                    break
            outputs["greedy"] = torch.tensor(new, dtype=torch.int64)
        """;
}
