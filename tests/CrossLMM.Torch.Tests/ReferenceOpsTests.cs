using System;
using System.Collections.Generic;
using CrossLMM.Testing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossLMM.Torch.Tests;

/// <summary>
/// The inputs of the op cross-checks and PyTorch's outputs for them, computed once per test class by a
/// single Python process (one snippet for all ops keeps the cost at one interpreter start).
/// </summary>
public sealed class ReferenceOpsFixture : IDisposable
{
    public Dictionary<string, Tensor> In { get; } = new();
    public ReferenceResult Out { get; }

    public ReferenceOpsFixture()
    {
        manual_seed(1234);
        void Add(string name, Tensor t) => In[name] = t;
        Add("mm_a", randn(3, 4, 5));
        Add("mm_b", randn(5, 6));
        Add("mm_c", randn(2, 1, 4, 5));
        Add("mm_d", randn(3, 5, 2));
        Add("sm_x", randn(4, 7) * 3);
        Add("ln_x", randn(3, 5, 8) * 2 + 1);
        Add("ln_w", randn(8));
        Add("ln_b", randn(8));
        Add("gelu_x", randn(6, 9) * 3);
        Add("pool_x", randn(2, 3, 7, 9));
        Add("img", randn(2, 3, 5, 6));
        Add("conv_x", randn(2, 4, 9, 9));
        Add("conv_w", randn(6, 4, 3, 3) * 0.2);
        Add("conv_b", randn(6));
        Add("conv_gw", randn(6, 2, 3, 3) * 0.2);
        Add("ce_logits", randn(6, 5) * 2);
        Add("ce_target", tensor(new long[] { 0, 4, -100, 2, 2, 1 }));
        Add("ce_logits3", randn(3, 5, 4));
        Add("ce_target3", tensor(new long[] { 0, 1, 2, 3, 4, 2, 2, 1, 0, 2, 3, 2 }, new long[] { 3, 4 }));
        Add("ce_weight", rand(5) + 0.5);
        Add("q", randn(2, 3, 5, 8));
        Add("k", randn(2, 3, 7, 8));
        Add("v", randn(2, 3, 7, 4));
        Add("bool_mask", rand(5, 7).gt(0.3).logical_or(eye(5, 7, dtype: ScalarType.Bool)));   // every row keeps a key
        Add("bool_mask4", rand(2, 1, 5, 7).gt(0.4).logical_or(eye(5, 7, dtype: ScalarType.Bool)));
        Add("float_mask", randn(5, 7));

        Out = PyTorchReference.Run("""
            i = inputs
            o = outputs
            o['mm_ab'] = i['mm_a'] @ i['mm_b']
            o['mm_cd'] = i['mm_c'] @ i['mm_d']
            o['softmax_last'] = torch.softmax(i['sm_x'], -1)
            o['softmax_first'] = torch.softmax(i['sm_x'], 0)
            o['log_softmax'] = torch.log_softmax(i['sm_x'], -1)
            o['layer_norm'] = F.layer_norm(i['ln_x'], (8,), i['ln_w'], i['ln_b'], 1e-5)
            o['layer_norm_plain'] = F.layer_norm(i['ln_x'], (5, 8))
            o['gelu'] = F.gelu(i['gelu_x'])
            o['gelu_tanh'] = F.gelu(i['gelu_x'], approximate='tanh')
            o['pool_3x3'] = F.adaptive_avg_pool2d(i['pool_x'], (3, 3))
            o['pool_4x2'] = F.adaptive_avg_pool2d(i['pool_x'], (4, 2))
            o['pool_1'] = F.adaptive_avg_pool2d(i['pool_x'], 1)
            o['bilinear'] = F.interpolate(i['img'], size=(11, 5), mode='bilinear', align_corners=False)
            o['bilinear_ac'] = F.interpolate(i['img'], size=(11, 5), mode='bilinear', align_corners=True)
            o['bilinear_sf'] = F.interpolate(i['img'], scale_factor=1.7, mode='bilinear', align_corners=False)
            o['nearest'] = F.interpolate(i['img'], size=(10, 13), mode='nearest')
            o['nearest_sf'] = F.interpolate(i['img'], scale_factor=(2.0, 0.5), mode='nearest')
            o['conv'] = F.conv2d(i['conv_x'], i['conv_w'], i['conv_b'], stride=2, padding=1)
            o['conv_dil'] = F.conv2d(i['conv_x'], i['conv_w'], None, stride=1, padding=2, dilation=2)
            o['conv_groups'] = F.conv2d(i['conv_x'], i['conv_gw'], i['conv_b'], padding=1, groups=2)
            o['ce_mean'] = F.cross_entropy(i['ce_logits'], i['ce_target'])
            o['ce_sum'] = F.cross_entropy(i['ce_logits'], i['ce_target'], reduction='sum')
            o['ce_none'] = F.cross_entropy(i['ce_logits'], i['ce_target'], reduction='none')
            o['ce_ignore2'] = F.cross_entropy(i['ce_logits'], i['ce_target'].clamp(min=0), ignore_index=2)
            o['ce_weighted'] = F.cross_entropy(i['ce_logits'], i['ce_target'], weight=i['ce_weight'])
            o['ce_smooth'] = F.cross_entropy(i['ce_logits'], i['ce_target'], label_smoothing=0.1)
            o['ce_3d'] = F.cross_entropy(i['ce_logits3'], i['ce_target3'], ignore_index=2)

            def sdpa(q, k, v, mask=None, causal=False):
                # softmax(QKᵀ/√E + mask)·V, the definition (1.13 has no F.scaled_dot_product_attention)
                s = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
                if causal:
                    mask = torch.ones(q.size(-2), k.size(-2), dtype=torch.bool).tril()
                if mask is not None:
                    s = s.masked_fill(~mask, float('-inf')) if mask.dtype == torch.bool else s + mask
                return torch.softmax(s, -1) @ v
            o['sdpa'] = sdpa(i['q'], i['k'], i['v'])
            o['sdpa_bool'] = sdpa(i['q'], i['k'], i['v'], i['bool_mask'])
            o['sdpa_bool4'] = sdpa(i['q'], i['k'], i['v'], i['bool_mask4'])
            o['sdpa_float'] = sdpa(i['q'], i['k'], i['v'], i['float_mask'])
            o['sdpa_causal'] = sdpa(i['q'], i['k'], i['v'], causal=True)
            """, In);
    }

    public void Dispose()
    {
        Out.Dispose();
        foreach (var t in In.Values) t.Dispose();
    }
}

/// <summary>
/// Forward ops against PyTorch 1.13 (Debian's python3-torch) on identical float32 inputs, to 1e-5 relative
/// (with a 1e-6 absolute floor for values near zero, where a relative bound means nothing).
/// </summary>
public class ReferenceOpsTests(ReferenceOpsFixture fx) : IClassFixture<ReferenceOpsFixture>
{
    private const double Rtol = 1e-5, Atol = 1e-6;

    private Tensor I(string name) => fx.In[name];

    private void Check(string name, Tensor actual) => TensorAssert.AllClose(fx.Out[name], actual, Rtol, Atol, because: name);

    [Fact]
    public void Matmul_MatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        Check("mm_ab", I("mm_a").matmul(I("mm_b")));
        Check("mm_cd", I("mm_c").matmul(I("mm_d")));
    }

    [Fact]
    public void Softmax_MatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        Check("softmax_last", I("sm_x").softmax(-1));
        Check("softmax_first", F.softmax(I("sm_x"), 0));
        Check("log_softmax", I("sm_x").log_softmax(-1));
    }

    [Fact]
    public void LayerNorm_MatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        Check("layer_norm", F.layer_norm(I("ln_x"), new long[] { 8 }, I("ln_w"), I("ln_b"), 1e-5));
        Check("layer_norm_plain", F.layer_norm(I("ln_x"), new long[] { 5, 8 }));
    }

    [Fact]
    public void Gelu_BothApproximations_MatchPyTorch()
    {
        using var scope = NewDisposeScope();
        Check("gelu", F.gelu(I("gelu_x")));
        Check("gelu_tanh", F.gelu(I("gelu_x"), approximate: GELUApproximate.tanh));
    }

    [Fact]
    public void AdaptiveAvgPool2d_MatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        Check("pool_3x3", F.adaptive_avg_pool2d(I("pool_x"), new long[] { 3, 3 }));
        Check("pool_4x2", F.adaptive_avg_pool2d(I("pool_x"), new long[] { 4, 2 }));
        Check("pool_1", F.adaptive_avg_pool2d(I("pool_x"), 1));
    }

    [Fact]
    public void Interpolate_BilinearAndNearest_MatchPyTorch()
    {
        using var scope = NewDisposeScope();
        Check("bilinear", F.interpolate(I("img"), new long[] { 11, 5 }, mode: InterpolationMode.Bilinear, align_corners: false));
        Check("bilinear_ac", F.interpolate(I("img"), new long[] { 11, 5 }, mode: InterpolationMode.Bilinear, align_corners: true));
        Check("bilinear_sf", F.interpolate(I("img"), scale_factor: new[] { 1.7 }, mode: InterpolationMode.Bilinear, align_corners: false));
        Check("nearest", F.interpolate(I("img"), new long[] { 10, 13 }, mode: InterpolationMode.Nearest));
        Check("nearest_sf", F.interpolate(I("img"), scale_factor: new[] { 2.0, 0.5 }, mode: InterpolationMode.Nearest));
    }

    [Fact]
    public void Conv2d_StridePaddingDilationGroups_MatchPyTorch()
    {
        using var scope = NewDisposeScope();
        Check("conv", F.conv2d(I("conv_x"), I("conv_w"), I("conv_b"), strides: new long[] { 2 }, padding: new long[] { 1 }));
        Check("conv_dil", F.conv2d(I("conv_x"), I("conv_w"), null, padding: new long[] { 2 }, dilation: new long[] { 2 }));
        Check("conv_groups", F.conv2d(I("conv_x"), I("conv_gw"), I("conv_b"), padding: new long[] { 1 }, groups: 2));
    }

    [Fact]
    public void CrossEntropy_IgnoreIndexWeightsSmoothing_MatchPyTorch()
    {
        using var scope = NewDisposeScope();
        var logits = I("ce_logits");
        var target = I("ce_target");
        Check("ce_mean", F.cross_entropy(logits, target));
        Check("ce_sum", F.cross_entropy(logits, target, reduction: nn.Reduction.Sum));
        Check("ce_none", F.cross_entropy(logits, target, reduction: nn.Reduction.None));
        Check("ce_ignore2", F.cross_entropy(logits, target.masked_fill(target.lt(0), 0), ignore_index: 2));
        Check("ce_weighted", F.cross_entropy(logits, target, weight: I("ce_weight")));
        Check("ce_smooth", F.cross_entropy(logits, target, label_smoothing: 0.1));
        Check("ce_3d", F.cross_entropy(I("ce_logits3"), I("ce_target3"), ignore_index: 2));
        Assert.Equal(0f, F.cross_entropy(logits, target, reduction: nn.Reduction.None)[2].item<float>());   // the ignored row
    }

    [Fact]
    public void ScaledDotProductAttention_WithMasks_MatchesTheDefinitionInPyTorch()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = (I("q"), I("k"), I("v"));
        Check("sdpa", F.scaled_dot_product_attention(q, k, v));
        Check("sdpa_bool", F.scaled_dot_product_attention(q, k, v, I("bool_mask")));
        Check("sdpa_bool4", F.scaled_dot_product_attention(q, k, v, I("bool_mask4")));
        Check("sdpa_float", F.scaled_dot_product_attention(q, k, v, I("float_mask")));
        Check("sdpa_causal", F.scaled_dot_product_attention(q, k, v, is_causal: true));
    }
}
