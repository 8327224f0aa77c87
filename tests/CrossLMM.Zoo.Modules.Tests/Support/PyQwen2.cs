using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Support;

/// <summary>
/// A straightforward PyTorch implementation of the Qwen2 pieces (written from the HF equations, not from our
/// C#), prepended to the cross-check snippets. Weights arrive in <c>inputs</c> under their state-dict keys,
/// with a prefix: <c>W('layer.', 'self_attn.q_proj.weight')</c>.
/// </summary>
public static class PyQwen2
{
    /// <summary>Python definitions: rms, rope, rot, attention, qwen2_layer, swiglu, xattn (with optional grouped key/value heads).</summary>
    public const string Prelude = """
        def W(prefix, key):
            return inputs[prefix + key]

        def rms(x, w, eps=1e-6):
            x32 = x.float()
            return w * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype)

        def rope(positions, d, theta=10000.0):
            inv = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
            f = positions.float()[..., None] * inv
            e = torch.cat([f, f], -1)
            return e.cos()[:, None], e.sin()[:, None]      # (B, 1, S, d)

        def rot(t):
            d = t.shape[-1]
            return torch.cat([-t[..., d // 2:], t[..., : d // 2]], -1)

        def softmax_attention(q, k, v, allowed=None):
            s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
            if allowed is not None:
                s = s.masked_fill(~allowed, float('-inf'))
            p = s.softmax(-1)
            if allowed is not None:
                p = torch.nan_to_num(p, nan=0.0)
            return p @ v

        def heads(t, n):
            B, S, _ = t.shape
            return t.view(B, S, n, -1).transpose(1, 2)

        def merge(t):
            B, n, S, d = t.shape
            return t.transpose(1, 2).reshape(B, S, n * d)

        def linear(x, p, key, bias=True):
            y = x @ W(p, key + '.weight').T
            b = p + key + '.bias'
            return y + inputs[b] if bias and b in inputs else y

        def swiglu(x, p):
            return linear(F.silu(linear(x, p, 'gate_proj')) * linear(x, p, 'up_proj'), p, 'down_proj')

        def qwen2_attention_parts(xn, p, h, g, positions):
            B, S, H = xn.shape
            d = H // h
            q = heads(linear(xn, p, 'self_attn.q_proj'), h)
            k = heads(linear(xn, p, 'self_attn.k_proj'), g)
            v = heads(linear(xn, p, 'self_attn.v_proj'), g)
            cos, sin = rope(positions, d)
            q = q * cos + rot(q) * sin
            k = k * cos + rot(k) * sin
            k = k.repeat_interleave(h // g, dim=1)
            v = v.repeat_interleave(h // g, dim=1)
            causal = ~torch.triu(torch.ones(S, S, dtype=torch.bool), diagonal=1)
            return q, merge(softmax_attention(q, k, v, causal))

        def qwen2_layer(x, p, h, g, positions):
            _, a = qwen2_attention_parts(rms(x, W(p, 'input_layernorm.weight')), p, h, g, positions)
            x = x + linear(a, p, 'self_attn.o_proj', bias=False)
            return x + swiglu(rms(x, W(p, 'post_attention_layernorm.weight')), p + 'mlp.')

        def xattn(x, src, p, h, allowed=None, g=None):
            # g key/value heads (grouped-query attention), each shared by h // g consecutive query heads
            g = h if g is None else g
            q = heads(linear(x, p, 'q_proj'), h)
            k = heads(linear(src, p, 'k_proj'), g).repeat_interleave(h // g, dim=1)
            v = heads(linear(src, p, 'v_proj'), g).repeat_interleave(h // g, dim=1)
            return linear(merge(softmax_attention(q, k, v, allowed)), p, 'o_proj', bias=False)

        """;

    /// <summary>The module's state dict as named inputs, each key prefixed.</summary>
    public static IEnumerable<(string Name, Tensor Value)> Weights(nn.Module module, string prefix) =>
        module.state_dict().Select(kv => (prefix + kv.Key, (Tensor)kv.Value.detach()));
}
