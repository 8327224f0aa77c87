using System;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// softmax(Q·Kᵀ/√E + mask)·V. Shapes: query (…, L, E), key (…, S, E), value (…, S, Ev) → (…, L, Ev); leading
            /// dims broadcast. <paramref name="attn_mask"/> broadcasts to (…, L, S): a bool mask marks the pairs that take part
            /// (true = attend), a float mask is added to the scores. <paramref name="is_causal"/> lets query i see keys j ≤ i
            /// (top-left aligned) and excludes an explicit mask. <paramref name="p"/> is the dropout probability on the
            /// attention weights, applied whenever p &gt; 0 (pass 0 in eval mode).
            /// <para>Composed from two matmuls and a softmax in the shim (libtorch 1.13 has no public SDPA), so the FLOP counter
            /// sees both products. Follows PyTorch ≥ 2.5's math backend: a query whose keys are all masked gets all-zero
            /// weights and a zero output (not NaN), with zero gradients.</para>
            /// </summary>
            public static Tensor scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask = null, double p = 0.0,
                bool is_causal = false) =>
                Tensor.From(zt_scaled_dot_product_attention(query.Handle, key.Handle, value.Handle, attn_mask?.Handle ?? IntPtr.Zero, p,
                    is_causal ? 1 : 0, 0, 0, null!));

            /// <summary>The attention output and its weights (…, L, S), for MultiheadAttention.</summary>
            internal static (Tensor output, Tensor weights) scaled_dot_product_attention_with_weights(Tensor query, Tensor key, Tensor value,
                Tensor? attn_mask, double p, bool is_causal)
            {
                var w = new IntPtr[1];
                var output = Tensor.From(zt_scaled_dot_product_attention(query.Handle, key.Handle, value.Handle, attn_mask?.Handle ?? IntPtr.Zero, p,
                    is_causal ? 1 : 0, 0, 0, w));
                return (output, new Tensor(w[0]));
            }

            /// <summary>x / max(‖x‖_p, eps) along <paramref name="dim"/>.</summary>
            public static Tensor normalize(Tensor input, double p = 2.0, long dim = 1L, double eps = 1e-12) =>
                Tensor.From(zt_normalize(input.Handle, p, dim, eps));

            /// <summary>Cosine similarity of <paramref name="x1"/> and <paramref name="x2"/> along <paramref name="dim"/> (broadcasting).</summary>
            public static Tensor cosine_similarity(Tensor x1, Tensor x2, long dim = 1, double eps = 1e-8) =>
                Tensor.From(zt_cosine_similarity(x1.Handle, x2.Handle, dim, eps));
        }
    }
}
