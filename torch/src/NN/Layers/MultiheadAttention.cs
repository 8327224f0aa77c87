using System;
using static TorchSharp.torch;

namespace TorchSharp.Modules;

/// <summary>
/// Multi-head attention (Vaswani et al., 2017) with PyTorch's <c>nn.MultiheadAttention</c> parameters, keys,
/// initialisation and mask conventions, so blocks can be cross-checked against it and its checkpoints load.
/// <para>Shapes (E = embed dim, H heads, L queries, S keys, N batch): query (L, N, E), key (S, N, kdim), value
/// (S, N, vdim) → output (L, N, E); with batch_first (N, L, E) etc.; unbatched (L, E) inputs work too. Weights
/// (returned when need_weights) are averaged over heads: (N, L, S).</para>
/// <para>Masks: <c>key_padding_mask</c> (N, S) and <c>attn_mask</c> (L, S) or (N·H, L, S); a bool mask marks what
/// is <b>excluded</b> (true = ignore; the opposite of scaled_dot_product_attention's bool mask), a float mask is
/// added to the scores. The heads run through <c>scaled_dot_product_attention</c>, so a query whose keys are all
/// masked gets zero weights and a zero attention output (PyTorch ≥ 2.5's SDPA path; PyTorch's need_weights path would
/// give NaN). Dropout on the weights applies in training mode only.</para>
/// </summary>
public sealed class MultiheadAttention : nn.Module<Tensor, Tensor, Tensor, Tensor?, bool, Tensor?, Tuple<Tensor, Tensor>>
{
    // Declared in PyTorch's registration order, so state_dict keys come out in the same order.
    public Parameter? in_proj_weight;
    public Parameter? q_proj_weight;
    public Parameter? k_proj_weight;
    public Parameter? v_proj_weight;
    public Parameter? in_proj_bias;
    public Linear out_proj;

    private readonly long _embedDim, _numHeads, _headDim;
    private readonly double _dropout;
    private readonly bool _batchFirst;

    internal MultiheadAttention(long embed_dim, long num_heads, double dropout, bool bias, bool add_bias_kv, bool add_zero_attn,
        long kdim, long vdim, bool batch_first) : base(nameof(MultiheadAttention))
    {
        if (embed_dim <= 0) throw new ArgumentOutOfRangeException(nameof(embed_dim), embed_dim, "MultiheadAttention: embed_dim must be positive");
        if (num_heads <= 0 || embed_dim % num_heads != 0)
            throw new ArgumentException($"MultiheadAttention: embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})", nameof(num_heads));
        if (dropout < 0 || dropout > 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "MultiheadAttention: dropout must be in [0, 1]");
        if (add_bias_kv || add_zero_attn)
            throw new NotSupportedException("MultiheadAttention: add_bias_kv and add_zero_attn are not supported by this engine");
        _embedDim = embed_dim;
        _numHeads = num_heads;
        _headDim = embed_dim / num_heads;
        _dropout = dropout;
        _batchFirst = batch_first;
        using (NewDisposeScope()) {
            if (kdim == embed_dim && vdim == embed_dim) {
                in_proj_weight = new Parameter(empty(3 * embed_dim, embed_dim));
                nn.init.xavier_uniform_(in_proj_weight);
            } else {
                q_proj_weight = new Parameter(empty(embed_dim, embed_dim));
                k_proj_weight = new Parameter(empty(embed_dim, kdim));
                v_proj_weight = new Parameter(empty(embed_dim, vdim));
                nn.init.xavier_uniform_(q_proj_weight);
                nn.init.xavier_uniform_(k_proj_weight);
                nn.init.xavier_uniform_(v_proj_weight);
            }
            if (bias) in_proj_bias = new Parameter(zeros(3 * embed_dim));
            out_proj = nn.Linear(embed_dim, embed_dim, hasBias: bias);
            if (out_proj.bias is not null) nn.init.zeros_(out_proj.bias);
        }
        RegisterComponents();
    }

    /// <summary>
    /// Attends <paramref name="query"/> to <paramref name="key"/>/<paramref name="value"/>. Returns (output, weights);
    /// weights is null unless <paramref name="need_weights"/>.
    /// </summary>
    public override Tuple<Tensor, Tensor> forward(Tensor query, Tensor key, Tensor value, Tensor? key_padding_mask, bool need_weights, Tensor? attn_mask)
    {
        var unbatched = query.Dimensions == 2;
        if (!unbatched && query.Dimensions != 3)
            throw new ArgumentException($"MultiheadAttention: query must be 2-d (L, E) or 3-d, got shape [{string.Join(", ", query.shape)}]", nameof(query));
        using var scope = NewDisposeScope();
        Tensor q = query, k = key, v = value, kpm = key_padding_mask!;
        if (unbatched) {
            q = q.unsqueeze(0);
            k = k.unsqueeze(0);
            v = v.unsqueeze(0);
            if (key_padding_mask is not null) kpm = key_padding_mask.unsqueeze(0);
        } else if (!_batchFirst) {
            q = q.transpose(0, 1);  // (N, L, E)
            k = k.transpose(0, 1);
            v = v.transpose(0, 1);
        }
        var (n, l, s) = (q.size(0), q.size(1), k.size(1));
        var E = _embedDim;
        Tensor wq, wk, wv;
        if (in_proj_weight is not null) {
            wq = in_proj_weight.narrow(0, 0, E);
            wk = in_proj_weight.narrow(0, E, E);
            wv = in_proj_weight.narrow(0, 2 * E, E);
        } else {
            (wq, wk, wv) = (q_proj_weight!, k_proj_weight!, v_proj_weight!);
        }
        var (bq, bk, bv) = in_proj_bias is null ? ((Tensor?)null, (Tensor?)null, (Tensor?)null)
            : (in_proj_bias.narrow(0, 0, E), in_proj_bias.narrow(0, E, E), in_proj_bias.narrow(0, 2 * E, E));
        var qh = nn.functional.linear(q, wq, bq).view(n, l, _numHeads, _headDim).transpose(1, 2);  // [n, h, l, d]
        var kh = nn.functional.linear(k, wk, bk).view(n, s, _numHeads, _headDim).transpose(1, 2);  // [n, h, s, d]
        var vh = nn.functional.linear(v, wv, bv).view(n, s, _numHeads, _headDim).transpose(1, 2);  // [n, h, s, d]

        var mask = MergeMasks(key_padding_mask is null ? null : kpm, attn_mask, n, l, s, qh.dtype);
        var p = training ? _dropout : 0.0;
        Tensor heads, weights;
        if (need_weights) {
            (heads, weights) = nn.functional.scaled_dot_product_attention_with_weights(qh, kh, vh, mask, p, false);
        } else {
            heads = nn.functional.scaled_dot_product_attention(qh, kh, vh, mask, p);
            weights = null!;
        }
        var merged = heads.transpose(1, 2).reshape(n, l, E);  // [n, l, E]
        var output = out_proj.call(merged);
        if (unbatched) output = output.squeeze(0);
        else if (!_batchFirst) output = output.transpose(0, 1);
        Tensor? avg = null;
        if (need_weights) {
            avg = weights.mean(new long[] { 1 });  // [n, l, s]
            if (unbatched) avg = avg.squeeze(0);
            avg.MoveToOuterDisposeScope();
        }
        output.MoveToOuterDisposeScope();
        return Tuple.Create(output, avg!);
    }

    /// <summary>
    /// Combines the padding mask (N, S) and the attention mask (L, S) / (N·H, L, S) into one additive float mask that
    /// broadcasts to (N, H, L, S); bool masks mean "true = ignore" and become -inf.
    /// </summary>
    private Tensor? MergeMasks(Tensor? key_padding_mask, Tensor? attn_mask, long n, long l, long s, ScalarType dtype)
    {
        Tensor? merged = null;
        if (key_padding_mask is not null) {
            if (key_padding_mask.Dimensions != 2 || key_padding_mask.size(0) != n || key_padding_mask.size(1) != s)
                throw new ArgumentException($"MultiheadAttention: key_padding_mask must have shape ({n}, {s}), got [{string.Join(", ", key_padding_mask.shape)}]");
            merged = Additive(key_padding_mask, dtype).view(n, 1, 1, s);
        }
        if (attn_mask is not null) {
            Tensor m;
            if (attn_mask.Dimensions == 2 && attn_mask.size(0) == l && attn_mask.size(1) == s) {
                m = Additive(attn_mask, dtype);  // broadcasts over (N, H)
            } else if (attn_mask.Dimensions == 3 && attn_mask.size(0) == n * _numHeads && attn_mask.size(1) == l && attn_mask.size(2) == s) {
                m = Additive(attn_mask, dtype).view(n, _numHeads, l, s);
            } else {
                throw new ArgumentException($"MultiheadAttention: attn_mask must have shape ({l}, {s}) or ({n * _numHeads}, {l}, {s}), got [{string.Join(", ", attn_mask.shape)}]");
            }
            merged = merged is null ? m : merged + m;
        }
        return merged;
    }

    private static Tensor Additive(Tensor mask, ScalarType dtype) =>
        mask.dtype == ScalarType.Bool
            ? zeros(mask.shape, dtype, mask.device).masked_fill(mask, double.NegativeInfinity)
            : mask.to(dtype);

    /// <summary>PyTorch's call defaults: no masks, weights returned.</summary>
    public new Tuple<Tensor, Tensor> call(Tensor query, Tensor key, Tensor value, Tensor? key_padding_mask = null, bool need_weights = true, Tensor? attn_mask = null) =>
        base.call(query, key, value, key_padding_mask, need_weights, attn_mask);
}
