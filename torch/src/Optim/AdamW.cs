using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;
using TorchSharp.Native;
using static TorchSharp.Native.NativeMethods;
using static TorchSharp.torch;

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class optim
        {
            /// <summary>
            /// AdamW (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", arXiv:1711.05101):
            /// θ ← θ(1 − lr·λ) − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε). TorchSharp's defaults (weight_decay 0, unlike
            /// PyTorch's 0.01): pass the decay you mean.
            /// </summary>
            public static AdamW AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
                new(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);

            public static AdamW AdamW(IEnumerable<(string name, Parameter parameter)> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
                double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
                new(parameters.Select(np => np.parameter), lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);

            public static AdamW AdamW(IEnumerable<AdamW.ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
                new(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);
        }
    }

    namespace Modules
    {
        using static torch.optim;

        /// <summary>AdamW with per-group options; the update of each parameter is one fused native call.</summary>
        public class AdamW : OptimizerHelper, IBetas
        {
            public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weight_decay = 0, bool amsgrad = false, bool maximize = false)
                : this(new[] { new ParamGroup { Parameters = parameters } }, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize) { }

            public AdamW(IEnumerable<ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weight_decay = 0, bool amsgrad = false, bool maximize = false)
            {
                ArgumentNullException.ThrowIfNull(parameters);
                Validate(lr, beta1, beta2, eps, weight_decay);
                _defaults = new Options {
                    LearningRate = lr, InitialLearningRate = lr, beta1 = beta1, beta2 = beta2, eps = eps,
                    weight_decay = weight_decay, amsgrad = amsgrad, maximize = maximize,
                };
                foreach (var g in parameters) add_param_group(g);
            }

            private static void Validate(double lr, double beta1, double beta2, double eps, double weight_decay)
            {
                if (!(lr >= 0)) throw new ArgumentException($"AdamW: invalid learning rate {lr}", nameof(lr));
                if (!(eps >= 0)) throw new ArgumentException($"AdamW: invalid eps {eps}", nameof(eps));
                if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"AdamW: invalid beta1 {beta1} (must be in [0, 1))", nameof(beta1));
                if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"AdamW: invalid beta2 {beta2} (must be in [0, 1))", nameof(beta2));
                if (!(weight_decay >= 0)) throw new ArgumentException($"AdamW: invalid weight_decay {weight_decay}", nameof(weight_decay));
            }

            public override Tensor? step(Func<Tensor>? closure = null) => _step<ParamGroup>(group => {
                var o = group.Options;
                var (lr, beta1, beta2, eps, wd) = (o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value);
                var amsgrad = o.amsgrad!.Value;
                foreach (var p in group.Parameters) {
                    var grad = p.grad;
                    if (grad is null) continue;
                    if (!_state.TryGetValue(p, out var s)) {
                        s = new State {
                            exp_avg = zeros_like(p).DetachFromDisposeScope(),
                            exp_avg_sq = zeros_like(p).DetachFromDisposeScope(),
                            max_exp_avg_sq = amsgrad ? zeros_like(p).DetachFromDisposeScope() : null,
                        };
                        _state[p] = s;
                    }
                    var st = (State)s;
                    st.step += 1;
                    NativeError.Check(zt_adamw_step(p.Handle, grad.Handle, st.exp_avg.Handle, st.exp_avg_sq.Handle,
                        st.max_exp_avg_sq?.Handle ?? IntPtr.Zero, lr, beta1, beta2, eps, wd, st.step, o.maximize!.Value ? 1 : 0));
                }
            }, closure);

            protected override OptimizerOptions NewOptions() => new Options();

            protected override void FillDefaults(OptimizerOptions options)
            {
                base.FillDefaults(options);
                var d = (Options)_defaults;
                var o = options as Options ?? throw new ArgumentException($"AdamW: a parameter group needs AdamW.Options, got {options.GetType().Name}");
                o.beta1 ??= d.beta1;
                o.beta2 ??= d.beta2;
                o.eps ??= d.eps;
                o.weight_decay ??= d.weight_decay;
                o.amsgrad ??= d.amsgrad;
                o.maximize ??= d.maximize;
                Validate(o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value);
            }

            /// <summary>The moments of one parameter: step count t, m, v and (amsgrad) max v.</summary>
            public class State : OptimizerState
            {
                public long step;
                public Tensor exp_avg = null!;
                public Tensor exp_avg_sq = null!;
                public Tensor? max_exp_avg_sq;

                public override void Dispose()
                {
                    exp_avg?.Dispose();
                    exp_avg_sq?.Dispose();
                    max_exp_avg_sq?.Dispose();
                }
            }

            /// <summary>The state of <paramref name="parameter"/>, or null before its first update.</summary>
            public State? state(Parameter parameter) => _state.TryGetValue(parameter, out var s) ? (State)s : null;

            public class Options : OptimizerOptions
            {
                public double? beta1;
                public double? beta2;
                public double? weight_decay;
                public double? eps;
                public bool? amsgrad;
                public bool? maximize;
            }

            public class ParamGroup : ParamGroup<Options>, IBetas
            {
                public ParamGroup() { }

                public ParamGroup(IEnumerable<Parameter> parameters, Options options) : base(parameters, options) { }

                public ParamGroup(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                    double weight_decay = 0, bool amsgrad = false, bool maximize = false)
                    : base(parameters, new Options {
                        LearningRate = lr, beta1 = beta1, beta2 = beta2, eps = eps, weight_decay = weight_decay, amsgrad = amsgrad, maximize = maximize,
                    }) { }

                public (double, double) Betas {
                    get => (Options.beta1!.Value, Options.beta2!.Value);
                    set { Options.beta1 = value.Item1; Options.beta2 = value.Item2; }
                }
            }

            public (double, double) Betas {
                get => (((Options)_defaults).beta1!.Value, ((Options)_defaults).beta2!.Value);
                set { ((Options)_defaults).beta1 = value.Item1; ((Options)_defaults).beta2 = value.Item2; }
            }
        }
    }
}
