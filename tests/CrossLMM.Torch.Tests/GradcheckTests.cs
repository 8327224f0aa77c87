using System;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using R = CrossLMM.Torch.Tests.Gradcheck;

namespace CrossLMM.Torch.Tests;

/// <summary>
/// Autograd against central differences (float64, rel tol 1e-6) for every differentiable op of the engine's
/// nn.functional surface, the new ones and the existing ones. Inputs are random (fixed seeds), so the non-smooth
/// ops (relu, max pooling, l1) are evaluated away from their kinks.
/// </summary>
public class GradcheckTests
{
    private static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs) => Gradcheck.Check(f, inputs);

    [Fact]
    public void Helper_WrongGradient_Fails()
    {
        // x·stopgrad(x) has autograd gradient x but true derivative 2x: the check must catch it
        var ex = Assert.Throws<Xunit.Sdk.XunitException>(() => Check(x => x[0] * x[0].detach(), R.Randn(99, 3)));
        Assert.Contains("gradcheck failed for input 0", ex.Message);
    }

    // ---- existing ops ----

    [Fact] public void Linear() => Check(x => F.linear(x[0], x[1], x[2]), R.Randn(1, 2, 3, 4), R.Randn(2, 5, 4), R.Randn(3, 5));
    [Fact] public void GeluExact() => Check(x => F.gelu(x[0]), R.Randn(4, 3, 5));
    [Fact] public void GeluTanh() => Check(x => F.gelu(x[0], GELUApproximate.tanh), R.Randn(5, 3, 5));
    [Fact] public void Silu() => Check(x => F.silu(x[0]), R.Randn(6, 3, 5));
    [Fact] public void Relu() => Check(x => F.relu(x[0]), R.Randn(7, 3, 5));
    [Fact] public void LeakyReluAndSoftplus() => Check(x => F.leaky_relu(x[0], 0.1) + F.softplus(x[0], 2, 20), R.Randn(8, 3, 5));
    [Fact] public void LayerNorm() => Check(x => F.layer_norm(x[0], new long[] { 4 }, x[1], x[2]), R.Randn(9, 3, 4), R.Randn(10, 4), R.Randn(11, 4));
    [Fact] public void GroupNorm() => Check(x => F.group_norm(x[0], 2, x[1], x[2]), R.Randn(12, 2, 4, 3), R.Randn(13, 4), R.Randn(14, 4));
    [Fact] public void Embedding() => Check(x => F.embedding(x[1], x[0]), R.Randn(15, 5, 3), tensor(new long[] { 0, 3, 3, 1 }));
    [Fact] public void SoftmaxAndLogSoftmax() => Check(x => x[0].softmax(1) * x[0].log_softmax(0), R.Randn(16, 3, 4));
    [Fact] public void MatmulAndBmm() => Check(x => x[0].matmul(x[1]).bmm(x[2]), R.Randn(17, 2, 3, 4), R.Randn(18, 4, 2), R.Randn(19, 2, 2, 3));
    [Fact] public void Conv1d() => Check(x => F.conv1d(x[0], x[1], x[2], padding: new long[] { 1 }), R.Randn(20, 1, 2, 5), R.Randn(21, 3, 2, 3), R.Randn(22, 3));
    [Fact] public void Conv2dStrideGroups() =>
        Check(x => F.conv2d(x[0], x[1], x[2], strides: new long[] { 2 }, padding: new long[] { 1 }, groups: 2),
            R.Randn(23, 1, 2, 4, 4), R.Randn(24, 4, 1, 3, 3), R.Randn(25, 4));
    [Fact] public void Conv3d() => Check(x => F.conv3d(x[0], x[1]), R.Randn(26, 1, 1, 3, 3, 3), R.Randn(27, 2, 1, 2, 2, 2));

    // ---- pooling, padding, resampling ----

    [Fact] public void AvgPool1d() => Check(x => F.avg_pool1d(x[0], 3, stride: 2, padding: 1), R.Randn(30, 1, 2, 7));
    [Fact] public void AvgPool2dNoPadCount() => Check(x => F.avg_pool2d(x[0], 3, stride: 2, padding: 1, count_include_pad: false), R.Randn(31, 1, 2, 5, 5));
    [Fact] public void AvgPool3d() => Check(x => F.avg_pool3d(x[0], 2, stride: 1), R.Randn(32, 1, 1, 3, 3, 3));
    [Fact] public void MaxPool2d() => Check(x => F.max_pool2d(x[0], 2, stride: 1), R.Randn(33, 1, 2, 4, 4));
    [Fact] public void AdaptiveAvgPool1d() => Check(x => F.adaptive_avg_pool1d(x[0], 3), R.Randn(34, 1, 2, 7));
    [Fact] public void AdaptiveAvgPool2dOverlappingBins() => Check(x => F.adaptive_avg_pool2d(x[0], (2, 3)), R.Randn(35, 1, 2, 5, 4));
    [Fact] public void AdaptiveAvgPool3d() => Check(x => F.adaptive_avg_pool3d(x[0], new long[] { 1, 2, 2 }), R.Randn(36, 1, 1, 3, 3, 3));

    [Theory]
    [InlineData(PaddingModes.Constant)]
    [InlineData(PaddingModes.Reflect)]
    [InlineData(PaddingModes.Replicate)]
    [InlineData(PaddingModes.Circular)]
    public void Pad(PaddingModes mode) => Check(x => F.pad(x[0], new long[] { 2, 1, 1, 2 }, mode, 0.5), R.Randn(37, 1, 1, 3, 4));

    [Theory]
    [InlineData(InterpolationMode.Nearest, false)]
    [InlineData(InterpolationMode.NearestExact, false)]
    [InlineData(InterpolationMode.Bilinear, false)]
    [InlineData(InterpolationMode.Bilinear, true)]
    [InlineData(InterpolationMode.Bicubic, false)]
    [InlineData(InterpolationMode.Bicubic, true)]
    [InlineData(InterpolationMode.Area, false)]
    public void Interpolate2d(InterpolationMode mode, bool alignCorners)
    {
        var linear = mode is InterpolationMode.Bilinear or InterpolationMode.Bicubic;
        Check(x => F.interpolate(x[0], size: new long[] { 5, 3 }, mode: mode, align_corners: linear ? alignCorners : null), R.Randn(38, 1, 2, 3, 4));
        Check(x => F.interpolate(x[0], scale_factor: new[] { 1.5, 0.75 }, mode: mode, align_corners: linear ? alignCorners : null), R.Randn(39, 1, 1, 3, 4));
    }

    [Fact] public void InterpolateLinear() => Check(x => F.interpolate(x[0], size: new long[] { 7 }, mode: InterpolationMode.Linear), R.Randn(40, 1, 2, 4));
    [Fact] public void InterpolateTrilinear() =>
        Check(x => F.interpolate(x[0], size: new long[] { 3, 3, 2 }, mode: InterpolationMode.Trilinear, align_corners: true), R.Randn(41, 1, 1, 2, 2, 3));

    // ---- losses ----

    [Fact] public void CrossEntropyWeightedSmoothedIgnored() =>
        Gradcheck.Check(x => F.cross_entropy(x[0], x[1], x[2], ignore_index: 1, label_smoothing: 0.1),
            new[] { R.Randn(42, 4, 3), tensor(new long[] { 0, 1, 2, 2 }), tensor(new double[] { 0.5, 1, 2 }) }, wrt: new[] { 0 });
    [Fact] public void CrossEntropyProbabilityTargetsSpatial() =>
        Check(x => F.cross_entropy(x[0], x[1].softmax(1)), R.Randn(43, 2, 3, 2), R.Randn(44, 2, 3, 2));
    [Fact] public void NllLoss() => Check(x => F.nll_loss(x[0].log_softmax(1), x[1]), R.Randn(45, 3, 4), tensor(new long[] { 3, 0, 1 }));
    [Fact] public void MseAndL1() => Check(x => F.mse_loss(x[0], x[1]) + F.l1_loss(x[0], x[1], nn.Reduction.Sum), R.Randn(46, 3, 4), R.Randn(47, 3, 4));
    [Fact] public void BceWithLogitsPosWeight() =>
        Gradcheck.Check(x => F.binary_cross_entropy_with_logits(x[0], x[1].sigmoid(), pos_weights: x[2]),
            new[] { R.Randn(48, 3, 4), R.Randn(49, 3, 4), R.Randn(50, 4).abs() }, wrt: new[] { 0, 1 });

    // ---- attention and normalisation ----

    [Fact] public void SdpaPlain() => Check(x => F.scaled_dot_product_attention(x[0], x[1], x[2]), R.Randn(51, 2, 3, 4), R.Randn(52, 2, 5, 4), R.Randn(53, 2, 5, 3));
    [Fact] public void SdpaCausal() => Check(x => F.scaled_dot_product_attention(x[0], x[1], x[2], is_causal: true), R.Randn(54, 1, 4, 3), R.Randn(55, 1, 4, 3), R.Randn(56, 1, 4, 2));
    [Fact] public void SdpaAdditiveMask() =>
        Check(x => F.scaled_dot_product_attention(x[0], x[1], x[2], x[3]), R.Randn(57, 1, 3, 4), R.Randn(58, 1, 5, 4), R.Randn(59, 1, 5, 2), R.Randn(60, 3, 5));

    [Fact]
    public void SdpaBoolMaskWithFullyMaskedRow()
    {
        using var scope = NewDisposeScope();
        var keep = tensor(new bool[] { true, false, true, false, false, false, false, true, true }, new long[] { 3, 3 });
        Check(x => F.scaled_dot_product_attention(x[0], x[1], x[2], keep), R.Randn(61, 2, 3, 2), R.Randn(62, 2, 3, 2), R.Randn(63, 2, 3, 2));
    }

    [Fact] public void Normalize() => Check(x => F.normalize(x[0], dim: -1) + F.normalize(x[0], p: 3, dim: 0), R.Randn(64, 3, 4));
    [Fact] public void CosineSimilarity() => Check(x => F.cosine_similarity(x[0], x[1], dim: 1), R.Randn(65, 3, 4), R.Randn(66, 3, 4));

    [Fact]
    public void MultiheadAttentionInputsAndParameters()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var mha = nn.MultiheadAttention(4, 2, batch_first: true);
        mha.to(ScalarType.Float64);
        var kpm = tensor(new bool[] { false, false, true, false, false, false }, new long[] { 2, 3 });
        Check(x => mha.call(x[0], x[1], x[2], kpm, false).Item1, R.Randn(67, 2, 2, 4), R.Randn(68, 2, 3, 4), R.Randn(69, 2, 3, 4));
        var q = R.Randn(70, 1, 3, 4);
        Gradcheck.CheckParameters(() => mha.call(q, q, q, null, false).Item1, parameters: new (string, Tensor)[] {
            ("in_proj_weight", mha.in_proj_weight!), ("in_proj_bias", mha.in_proj_bias!),
            ("out_proj.weight", mha.out_proj.weight), ("out_proj.bias", mha.out_proj.bias!) });
    }
}
