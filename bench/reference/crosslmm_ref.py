"""Straightforward PyTorch implementations of the zoo's blocks, for the C#/PyTorch benchmark cases.

Written the way one writes them in PyTorch eager (Hugging Face's Qwen2/SigLIP/LLaVA code, eager attention
path), from the papers' and HF's equations, not from the C# code; they run on the weights the C# side
exported (bench/reference/exchange.py) and their outputs are checked against it before anything is timed.
Every function takes a dict of the module's own state-dict entries (`w`).
torch 1.13 has no F.scaled_dot_product_attention, so attention is HF's eager path: matmul, scale, additive
mask, softmax, matmul.
"""
import math

import torch
import torch.nn.functional as F


# ---- Qwen2 (HF modeling_qwen2, eager) ---------------------------------------------------------------------
def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotary(positions, head_dim, theta):
    """cos, sin (B, S, d) of HF's Qwen2RotaryEmbedding for int positions (B, S)."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    freqs = positions.float()[..., None] * inv_freq
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary(q, k, cos, sin):
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
    return q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin


def repeat_kv(x, n_rep):
    b, g, s, d = x.shape
    if n_rep == 1:
        return x
    return x[:, :, None, :, :].expand(b, g, n_rep, s, d).reshape(b, g * n_rep, s, d)


def causal_mask(length, dtype=torch.float32):
    """HF's additive causal mask (1, 1, S, S): 0 where key j <= query i, the dtype's minimum elsewhere."""
    mask = torch.full((length, length), torch.finfo(dtype).min, dtype=dtype).triu(1)
    return mask[None, None]


def eager_attention(q, k, v, mask):
    """softmax(q kᵀ / √d + mask) v for q (B, h, S, d), k/v (B, g, K, d) → (B, S, h·d)."""
    k = repeat_kv(k, q.shape[1] // k.shape[1])
    v = repeat_kv(v, q.shape[1] // v.shape[1])
    scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores + mask
    probs = F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
    out = torch.matmul(probs, v).transpose(1, 2).contiguous()
    return out.reshape(out.shape[0], out.shape[1], -1)


def linear(x, w, name, bias=True):
    return F.linear(x, w[name + ".weight"], w.get(name + ".bias") if bias else None)


def split_heads(x, head_dim):
    b, s, _ = x.shape
    return x.view(b, s, -1, head_dim).transpose(1, 2)


def swiglu(x, w, prefix="mlp."):
    return linear(F.silu(linear(x, w, prefix + "gate_proj")) * linear(x, w, prefix + "up_proj"), w, prefix + "down_proj")


def qwen2_attention(x, w, heads, cos, sin, mask):
    d = x.shape[-1] // heads
    q = split_heads(linear(x, w, "self_attn.q_proj"), d)
    k = split_heads(linear(x, w, "self_attn.k_proj"), d)
    v = split_heads(linear(x, w, "self_attn.v_proj"), d)
    q, k = apply_rotary(q, k, cos, sin)
    return linear(eager_attention(q, k, v, mask), w, "self_attn.o_proj")


def qwen2_layer(h, w, heads, eps, cos, sin, mask):
    h = h + qwen2_attention(rms_norm(h, w["input_layernorm.weight"], eps), w, heads, cos, sin, mask)
    return h + swiglu(rms_norm(h, w["post_attention_layernorm.weight"], eps), w)


# ---- CrossLMM's DCAL (arXiv:2505.17020 §3.2): V2V ‖ T2V cross-attention, then a gated FFN ----------------------
def cross_attention(queries, source, w, prefix, heads):
    d = queries.shape[-1] // heads
    q = split_heads(linear(queries, w, prefix + "q_proj"), d)
    k = split_heads(linear(source, w, prefix + "k_proj"), d)
    v = split_heads(linear(source, w, prefix + "v_proj"), d)
    return linear(eager_attention(q, k, v, None), w, prefix + "o_proj")


def dcal(h, source, w, heads, eps, visual_start, visual_length):
    """Pre-norm DCAL: h[V] += tanh(α_v)·xattn_v(x[V]); h[text] += tanh(α_t)·xattn_t(x[text]); h += tanh(α_f)·FFN."""
    x = rms_norm(h, w["input_layernorm.weight"], eps)
    a, b = visual_start, visual_start + visual_length
    visual = torch.tanh(w["v2v_gate.alpha"]) * cross_attention(x[:, a:b], source, w, "v2v.", heads)
    text_x = torch.cat([x[:, :a], x[:, b:]], dim=1)
    text = torch.tanh(w["t2v_gate.alpha"]) * cross_attention(text_x, source, w, "t2v.", heads)
    h = h + torch.cat([text[:, :a], visual, text[:, a:]], dim=1)
    return h + torch.tanh(w["mlp_gate.alpha"]) * swiglu(rms_norm(h, w["post_attention_layernorm.weight"], eps), w)


# ---- SigLIP vision tower (HF modeling_siglip) -----------------------------------------------------------------
def siglip_layer(x, w, heads, eps):
    d = x.shape[-1]
    h = F.layer_norm(x, (d,), w["layer_norm1.weight"], w["layer_norm1.bias"], eps)
    hd = d // heads
    q = split_heads(linear(h, w, "self_attn.q_proj"), hd)
    k = split_heads(linear(h, w, "self_attn.k_proj"), hd)
    v = split_heads(linear(h, w, "self_attn.v_proj"), hd)
    x = x + linear(eager_attention(q, k, v, None), w, "self_attn.out_proj")
    h = F.layer_norm(x, (d,), w["layer_norm2.weight"], w["layer_norm2.bias"], eps)
    return x + linear(F.gelu(linear(h, w, "mlp.fc1"), approximate="tanh"), w, "mlp.fc2")


def siglip(frames, w, heads, eps, patch):
    """(B, T, C, H, W) → (B, T, N, D)."""
    b, t = frames.shape[:2]
    x = F.conv2d(frames.flatten(0, 1), w["embeddings.patch_embedding.weight"], w["embeddings.patch_embedding.bias"], stride=patch)
    x = x.flatten(2).transpose(1, 2) + w["embeddings.position_embedding.weight"]
    for i in sorted({int(k.split(".")[2]) for k in w if k.startswith("encoder.layers.")}):
        x = siglip_layer(x, {k[len(f"encoder.layers.{i}."):]: v for k, v in w.items() if k.startswith(f"encoder.layers.{i}.")}, heads, eps)
    d = x.shape[-1]
    x = F.layer_norm(x, (d,), w["post_layernorm.weight"], w["post_layernorm.bias"], eps)
    return x.view(b, t, x.shape[1], d)


# ---- pooling, projector, whole model ---------------------------------------------------------------------------
def pool2d(features, grid):
    """(B, T, N, D) → (B, T·g², D): adaptive average pooling of each frame's √N×√N token map to g×g."""
    b, t, n, d = features.shape
    side = int(math.isqrt(n))
    maps = features.reshape(b * t, side, side, d).permute(0, 3, 1, 2)
    pooled = F.adaptive_avg_pool2d(maps, grid)
    return pooled.permute(0, 2, 3, 1).reshape(b, t * grid * grid, d)


def mlp_projector(x, w, eps):
    """LayerNorm → Linear → GELU → Linear (LLaVA's mlp2x_gelu with a norm)."""
    x = F.layer_norm(x, (x.shape[-1],), w["norm.weight"], w["norm.bias"], eps)
    return linear(F.gelu(linear(x, w, "linear_1")), w, "linear_2")


def crosslmm(w, m):
    """A CrossLMM over [video; text] (layout video_first): returns forward(video, input_ids) → logits (B, S, V).
    The weights are split per module once here; m holds the sizes from the exchange metadata."""
    def part(prefix, ws=w):
        return {k[len(prefix):]: v for k, v in ws.items() if k.startswith(prefix)}

    vision, proj, lm = part("vision_tower."), part("multi_modal_projector."), part("language_model.model.")
    layers = [part(f"layers.{i}.", lm) for i in sorted({int(k.split(".")[1]) for k in lm if k.startswith("layers.")})]
    fusions = [part("cross_attn.", lw) or None for lw in layers]
    vision_heads, vision_eps, patch = int(m["vision_heads"]), float(m["vision_eps"]), int(m["patch"])
    grid, projector_eps = int(m["grid"]), float(m["projector_eps"])
    heads, eps, theta, dcal_heads = int(m["heads"]), float(m["eps"]), float(m["theta"]), int(m["dcal_heads"])

    def forward(video, input_ids):
        features = siglip(video, vision, vision_heads, vision_eps, patch)             # [B, T, N, D]
        visual = mlp_projector(pool2d(features, grid), proj, projector_eps)          # [B, T·g², H]
        source = mlp_projector(features.flatten(1, 2), proj, projector_eps)          # [B, T·N, H]
        h = torch.cat([visual, F.embedding(input_ids, lm["embed_tokens.weight"])], dim=1)
        b, s, hidden = h.shape
        cos, sin = rotary(torch.arange(s)[None].expand(b, s), hidden // heads, theta)
        mask = causal_mask(s)
        for lw, fw in zip(layers, fusions):
            h = qwen2_layer(h, lw, heads, eps, cos, sin, mask)
            if fw is not None:
                h = dcal(h, source, fw, dcal_heads, eps, 0, visual.shape[1])
        return F.linear(rms_norm(h, lm["norm.weight"], eps), lm["embed_tokens.weight"])
    return forward
