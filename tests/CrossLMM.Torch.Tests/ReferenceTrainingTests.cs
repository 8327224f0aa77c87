using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossLMM.Torch.Tests;

/// <summary>
/// Whole computations against PyTorch: a 2-layer MLP's forward and backward (loss, logits and every gradient
/// to 1e-5 relative), and torch.nn.MultiheadAttention with padding and attention masks, forward and backward.
/// </summary>
public class ReferenceTrainingTests
{
    private const double Rtol = 1e-5, Atol = 1e-6;

    private sealed class Mlp : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc1;
        private readonly Linear fc2;

        public Mlp(long input, long hidden, long output) : base(nameof(Mlp))
        {
            fc1 = nn.Linear(input, hidden);
            fc2 = nn.Linear(hidden, output);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => fc2.call(F.gelu(fc1.call(x)));
    }

    [Fact]
    public void TwoLayerMlp_ForwardAndBackward_LossLogitsAndGradientsMatchPyTorch()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var mlp = new Mlp(16, 32, 4);
        var x = randn(new long[] { 8, 16 }, requires_grad: true);
        var target = tensor(new long[] { 0, 3, 1, 2, -100, 3, 0, 1 });
        var logits = mlp.call(x);
        var loss = F.cross_entropy(logits, target);
        loss.backward();

        var inputs = new Dictionary<string, Tensor> { ["x"] = x, ["target"] = target };
        foreach (var (name, p) in mlp.named_parameters()) inputs["p." + name] = p;
        using var r = PyTorchReference.Run("""
            mlp = nn.Sequential()
            mlp.fc1 = nn.Linear(16, 32)
            mlp.act = nn.GELU()
            mlp.fc2 = nn.Linear(32, 4)
            mlp.load_state_dict({k[2:]: v for k, v in inputs.items() if k.startswith('p.')})
            x = inputs['x'].clone().requires_grad_()
            logits = mlp(x)
            loss = F.cross_entropy(logits, inputs['target'])
            loss.backward()
            outputs['logits'] = logits
            outputs['loss'] = loss
            outputs['grad.x'] = x.grad
            for name, p in mlp.named_parameters():
                outputs['grad.' + name] = p.grad
            """, inputs);

        TensorAssert.AllClose(r["logits"], logits, Rtol, Atol, because: "logits");
        TensorAssert.AllClose(r["loss"], loss, Rtol, Atol, because: "loss");
        TensorAssert.AllClose(r["grad.x"], x.grad!, Rtol, Atol, because: "d loss / d x");
        var names = mlp.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }, names);
        foreach (var (name, p) in mlp.named_parameters())
            TensorAssert.AllClose(r["grad." + name], p.grad!, Rtol, Atol, because: "d loss / d " + name);
    }

    [Fact]
    public void MultiheadAttention_WithPaddingAndAttentionMasks_MatchesPyTorchForwardAndBackward()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var mha = nn.MultiheadAttention(16, 4, batch_first: true);
        mha.eval();
        var q = randn(new long[] { 2, 5, 16 }, requires_grad: true);
        var kv = randn(new long[] { 2, 7, 16 }, requires_grad: true);
        // true = ignore (PyTorch's convention for bool masks of MultiheadAttention); every query keeps a key
        var padding = tensor(new[] { false, false, false, false, false, true, true, false, true, false, false, false, false, true }, new long[] { 2, 7 });
        var attnMask = triu(ones(new long[] { 5, 7 }, dtype: ScalarType.Bool), 3);
        var (output, weights) = mha.call(q, kv, kv, padding, true, attnMask);
        output.pow(2).sum().backward();

        var inputs = new Dictionary<string, Tensor> { ["q"] = q, ["kv"] = kv, ["padding"] = padding, ["attn_mask"] = attnMask };
        foreach (var (name, t) in mha.state_dict()) inputs["p." + name] = t;
        using var r = PyTorchReference.Run("""
            mha = nn.MultiheadAttention(16, 4, batch_first=True)
            mha.load_state_dict({k[2:]: v for k, v in inputs.items() if k.startswith('p.')})
            mha.eval()
            q = inputs['q'].clone().requires_grad_()
            kv = inputs['kv'].clone().requires_grad_()
            out, w = mha(q, kv, kv, key_padding_mask=inputs['padding'], need_weights=True, attn_mask=inputs['attn_mask'])
            out.pow(2).sum().backward()
            outputs.update(out=out, weights=w, grad_q=q.grad, grad_kv=kv.grad,
                           grad_in_proj=mha.in_proj_weight.grad, grad_out_proj=mha.out_proj.weight.grad)
            """, inputs);

        TensorAssert.AllClose(r["out"], output, Rtol, Atol, because: "output");
        TensorAssert.AllClose(r["weights"], weights, Rtol, Atol, because: "head-averaged weights");
        TensorAssert.AllClose(r["grad_q"], q.grad!, Rtol, Atol, because: "d / d query");
        TensorAssert.AllClose(r["grad_kv"], kv.grad!, Rtol, Atol, because: "d / d key-value");
        TensorAssert.AllClose(r["grad_in_proj"], mha.in_proj_weight!.grad!, Rtol, Atol, because: "d / d in_proj_weight");
        TensorAssert.AllClose(r["grad_out_proj"], mha.out_proj.weight.grad!, Rtol, Atol, because: "d / d out_proj.weight");
    }
}
