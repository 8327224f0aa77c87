using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter 2019), PyTorch's <c>torch.optim.AdamW</c> update with decoupled weight decay:
/// <c>p ← p·(1 − lr·λ)</c>, <c>m ← β₁m + (1 − β₁)g</c>, <c>v ← β₂v + (1 − β₂)g²</c>,
/// <c>p ← p − lr·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)</c>.
/// <para>Why the zoo has its own: TorchSharp 0.107's optimizers pass temporary <c>Scalar</c>s to libtorch without
/// keeping them alive across the call, so a garbage collection can free one mid-call ("Expected false to be true"
/// from <c>Scalar::toFloat</c>; seen in notebook training, see docs/engine.md). Every scalar here is created
/// explicitly and disposed after the op that reads it. Same math as TorchSharp's AdamW (a test compares them).</para>
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly Tensor?[] _m;
    private readonly Tensor?[] _v;
    private long _step;

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (those with requires_grad).</summary>
    /// <exception cref="ArgumentException">A hyperparameter out of range.</exception>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(lr > 0)) throw new ArgumentException($"lr ({lr}) must be > 0", nameof(lr));
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"beta1 ({beta1}) must be in [0, 1)", nameof(beta1));
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"beta2 ({beta2}) must be in [0, 1)", nameof(beta2));
        if (!(eps > 0)) throw new ArgumentException($"eps ({eps}) must be > 0", nameof(eps));
        if (!(weightDecay >= 0)) throw new ArgumentException($"weightDecay ({weightDecay}) must be ≥ 0", nameof(weightDecay));
        _parameters = parameters.Where(p => p.requires_grad).ToArray();
        _m = new Tensor?[_parameters.Length];
        _v = new Tensor?[_parameters.Length];
        LearningRate = lr;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
    }

    /// <summary>The learning rate (settable, for schedules).</summary>
    public double LearningRate { get; set; }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>Decoupled weight decay λ.</summary>
    public double WeightDecay { get; }

    /// <summary>Steps taken.</summary>
    public long Steps => _step;

    /// <summary>The parameters it updates (those that required grad when it was created), in order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The first and second moment estimates of parameter <paramref name="index"/> (null before its first update).</summary>
    /// <param name="index">Index into <see cref="Parameters"/>.</param>
    public (Tensor? M, Tensor? V) Moments(int index) => (_m[index], _v[index]);

    /// <summary>Restores a saved state (for resuming): the step count and a copy of each parameter's moments.</summary>
    /// <param name="steps">Steps taken (drives the bias corrections).</param>
    /// <param name="moments">One (m, v) per parameter, in <see cref="Parameters"/> order; nulls for parameters never updated.</param>
    /// <exception cref="ArgumentException">A count or shape that does not match the parameters.</exception>
    public void Restore(long steps, IReadOnlyList<(Tensor? M, Tensor? V)> moments)
    {
        ArgumentNullException.ThrowIfNull(moments);
        if (steps < 0) throw new ArgumentException($"steps ({steps}) must be ≥ 0", nameof(steps));
        if (moments.Count != _parameters.Length) throw new ArgumentException($"{moments.Count} moment pairs for {_parameters.Length} parameters", nameof(moments));
        for (var i = 0; i < _parameters.Length; i++)
        {
            foreach (var t in new[] { moments[i].M, moments[i].V })
            {
                if (t is not null && !t.shape.SequenceEqual(_parameters[i].shape))
                {
                    throw new ArgumentException($"moment of parameter {i} has shape [{string.Join(", ", t.shape)}]; the parameter has [{string.Join(", ", _parameters[i].shape)}]", nameof(moments));
                }
            }
        }

        for (var i = 0; i < _parameters.Length; i++)
        {
            _m[i]?.Dispose();
            _v[i]?.Dispose();
            _m[i] = moments[i].M?.to(_parameters[i].dtype).clone().DetachFromDisposeScope();
            _v[i] = moments[i].V?.to(_parameters[i].dtype).clone().DetachFromDisposeScope();
        }

        _step = steps;
    }

    /// <summary>Clears every parameter's gradient (sets it to null, as PyTorch's default).</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.grad = null;
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        _step++;
        double bias1 = 1 - Math.Pow(Beta1, _step), bias2 = 1 - Math.Pow(Beta2, _step);
        using var noGrad = no_grad();
        using var decay = (1 - LearningRate * WeightDecay).ToScalar();
        using var beta1 = Beta1.ToScalar();
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var sqrtBias2 = Math.Sqrt(bias2).ToScalar();
        using var eps = Eps.ToScalar();
        using var stepSize = (-LearningRate / bias1).ToScalar();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            using var grad = p.grad;
            if (grad is null) continue;
            var m = _m[i] ??= zeros_like(p).DetachFromDisposeScope();
            var v = _v[i] ??= zeros_like(p).DetachFromDisposeScope();
            using var scope = NewDisposeScope();
            if (WeightDecay != 0) p.mul_(decay);
            m.mul_(beta1).add_(grad, oneMinusBeta1);
            v.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
            var denominator = v.sqrt().div_(sqrtBias2).add_(eps);
            p.addcdiv_(m, denominator, stepSize);
        }
    }

    /// <summary>Frees the moment estimates.</summary>
    public void Dispose()
    {
        foreach (var t in _m.Concat(_v)) t?.Dispose();
    }
}
