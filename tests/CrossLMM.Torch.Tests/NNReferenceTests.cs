using System;
using System.Linq;
using CrossLMM.Testing;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using R = CrossLMM.Torch.Tests.Gradcheck;

namespace CrossLMM.Torch.Tests;

/// <summary>
/// MultiheadAttention, AdamW and SGD against the real PyTorch (Debian's 1.13 through the reference harness):
/// the same weights loaded by key, the same inputs, outputs and attention weights equal to 1e-10 in float64.
/// </summary>
public class NNReferenceTests
{
    [Fact]
    public void MultiheadAttention_MatchesTorch_WithPaddingAndFloatMasks_AndCrossDims()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var self = nn.MultiheadAttention(6, 3, batch_first: true);
        using var cross = nn.MultiheadAttention(6, 2, kdim: 4, vdim: 5);
        self.to(ScalarType.Float64);
        cross.to(ScalarType.Float64);
        using (no_grad()) {
            self.in_proj_bias!.copy_(R.Randn(1, 18));
            cross.out_proj.bias!.copy_(R.Randn(2, 6));
        }
        var q = R.Randn(3, 2, 4, 6);
        var kv = R.Randn(4, 2, 5, 6);
        var kpm = tensor(new[] { false, false, false, true, true, false, false, false, false, true }, new long[] { 2, 5 });
        var am = R.Randn(5, 4, 5);
        var (y, w) = self.call(q, kv, kv, kpm, true, am);
        var cq = R.Randn(6, 3, 2, 6);   // (L, N, E)
        var ck = R.Randn(7, 5, 2, 4);   // (S, N, kdim)
        var cv = R.Randn(8, 5, 2, 5);   // (S, N, vdim)
        var (cy, cw) = cross.call(cq, ck, cv);

        var inputs = self.state_dict().Select(kv2 => ("self." + kv2.Key, kv2.Value))
            .Concat(cross.state_dict().Select(kv2 => ("cross." + kv2.Key, kv2.Value)))
            .Concat(new (string, Tensor)[] { ("q", q), ("kv", kv), ("kpm", kpm), ("am", am), ("cq", cq), ("ck", ck), ("cv", cv) })
            .ToArray();
        using var r = PyTorchReference.Run("""
            def load(m, prefix):
                m = m.double()
                m.load_state_dict({k[len(prefix):]: v for k, v in inputs.items() if k.startswith(prefix)})
                return m.train()
            s = load(nn.MultiheadAttention(6, 3, batch_first=True), 'self.')
            c = load(nn.MultiheadAttention(6, 2, kdim=4, vdim=5), 'cross.')
            outputs['y'], outputs['w'] = s(inputs['q'], inputs['kv'], inputs['kv'], key_padding_mask=inputs['kpm'], attn_mask=inputs['am'])
            outputs['cy'], outputs['cw'] = c(inputs['cq'], inputs['ck'], inputs['cv'])
            """, inputs);
        TensorAssert.AllClose(r["y"], y, rtol: 1e-10, atol: 1e-12, because: "self-attention output");
        TensorAssert.AllClose(r["w"], w, rtol: 1e-10, atol: 1e-12, because: "head-averaged weights");
        TensorAssert.AllClose(r["cy"], cy, rtol: 1e-10, atol: 1e-12, because: "cross-attention output (kdim, vdim)");
        TensorAssert.AllClose(r["cw"], cw, rtol: 1e-10, atol: 1e-12, because: "cross-attention weights");
    }

    [Fact]
    public void AdamWAndSgd_ThreeSteps_MatchTorchOptim()
    {
        using var scope = NewDisposeScope();
        var p0 = R.Randn(11, 2, 3);
        var grads = new[] { R.Randn(12, 2, 3), R.Randn(13, 2, 3), R.Randn(14, 2, 3) };
        using var a = nn.Parameter(p0.clone());
        using var s = nn.Parameter(p0.clone());
        using var adam = optim.AdamW(new[] { a }, lr: 0.05, beta1: 0.85, beta2: 0.98, eps: 1e-7, weight_decay: 0.2, amsgrad: true);
        using var sgd = optim.SGD(new[] { s }, 0.1, momentum: 0.9, weight_decay: 0.05, nesterov: true);
        foreach (var g in grads) {
            a.grad = g;
            s.grad = g;
            adam.step();
            sgd.step();
        }
        using var r = PyTorchReference.Run("""
            a = inputs['p0'].clone().requires_grad_()
            s = inputs['p0'].clone().requires_grad_()
            adam = torch.optim.AdamW([a], lr=0.05, betas=(0.85, 0.98), eps=1e-7, weight_decay=0.2, amsgrad=True)
            sgd = torch.optim.SGD([s], lr=0.1, momentum=0.9, weight_decay=0.05, nesterov=True)
            for i in range(3):
                a.grad = inputs[f'g{i}'].clone()
                s.grad = inputs[f'g{i}'].clone()
                adam.step()
                sgd.step()
            outputs['a'] = a.detach()
            outputs['s'] = s.detach()
            """, ("p0", p0), ("g0", grads[0]), ("g1", grads[1]), ("g2", grads[2]));
        TensorAssert.AllClose(r["a"], a, rtol: 1e-12, atol: 1e-14, because: "AdamW");
        TensorAssert.AllClose(r["s"], s, rtol: 1e-12, atol: 1e-14, because: "SGD");
    }
}
