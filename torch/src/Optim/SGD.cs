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
            /// Stochastic gradient descent with optional L2 weight decay λ, momentum μ (dampening τ) and Nesterov momentum,
            /// PyTorch's equations: d = g + λθ; b = μb + (1−τ)d (b = d on the first step); d = d + μb (Nesterov) or b;
            /// θ ← θ − lr·d. <paramref name="maximize"/> ascends (g is negated first).
            /// </summary>
            public static SGD SGD(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0, double dampening = 0, double weight_decay = 0,
                bool nesterov = false, bool maximize = false) =>
                new(parameters, learningRate, momentum, dampening, weight_decay, nesterov, maximize);

            public static SGD SGD(IEnumerable<(string name, Parameter parameter)> parameters, double learningRate, double momentum = 0, double dampening = 0,
                double weight_decay = 0, bool nesterov = false, bool maximize = false) =>
                new(parameters.Select(np => np.parameter), learningRate, momentum, dampening, weight_decay, nesterov, maximize);

            public static SGD SGD(IEnumerable<SGD.ParamGroup> parameters, double learningRate, double momentum = 0.0, double dampening = 0, double weight_decay = 0,
                bool nesterov = false, bool maximize = false) =>
                new(parameters, learningRate, momentum, dampening, weight_decay, nesterov, maximize);
        }
    }

    namespace Modules
    {
        using static torch.optim;

        /// <summary>SGD with per-group options; the update of each parameter is one fused native call.</summary>
        public class SGD : OptimizerHelper, IMomentum
        {
            public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0.0, double dampening = 0, double weight_decay = 0,
                bool nesterov = false, bool maximize = false)
                : this(new[] { new ParamGroup { Parameters = parameters } }, lr, momentum, dampening, weight_decay, nesterov, maximize) { }

            public SGD(IEnumerable<ParamGroup> parameters, double lr, double momentum = 0.0, double dampening = 0, double weight_decay = 0,
                bool nesterov = false, bool maximize = false)
            {
                ArgumentNullException.ThrowIfNull(parameters);
                Validate(lr, momentum, dampening, weight_decay, nesterov);
                _defaults = new Options {
                    LearningRate = lr, InitialLearningRate = lr, momentum = momentum, dampening = dampening,
                    weight_decay = weight_decay, nesterov = nesterov, maximize = maximize,
                };
                foreach (var g in parameters) add_param_group(g);
            }

            private static void Validate(double lr, double momentum, double dampening, double weight_decay, bool nesterov)
            {
                if (!(lr >= 0)) throw new ArgumentException($"SGD: invalid learning rate {lr}", nameof(lr));
                if (!(momentum >= 0)) throw new ArgumentException($"SGD: invalid momentum {momentum}", nameof(momentum));
                if (!(weight_decay >= 0)) throw new ArgumentException($"SGD: invalid weight_decay {weight_decay}", nameof(weight_decay));
                if (nesterov && (momentum <= 0 || dampening != 0))
                    throw new ArgumentException($"SGD: Nesterov momentum requires a momentum > 0 and zero dampening (momentum {momentum}, dampening {dampening})", nameof(nesterov));
            }

            public override Tensor? step(Func<Tensor>? closure = null) => _step<ParamGroup>(group => {
                var o = group.Options;
                var (lr, momentum, dampening, wd) = (o.LearningRate!.Value, o.momentum!.Value, o.dampening!.Value, o.weight_decay!.Value);
                foreach (var p in group.Parameters) {
                    var grad = p.grad;
                    if (grad is null) continue;
                    var first = false;
                    State? st = null;
                    if (momentum != 0) {
                        if (!_state.TryGetValue(p, out var s)) {
                            s = new State { momentum_buffer = empty_like(p).DetachFromDisposeScope() };
                            _state[p] = s;
                            first = true;
                        }
                        st = (State)s;
                    }
                    NativeError.Check(zt_sgd_step(p.Handle, grad.Handle, st?.momentum_buffer?.Handle ?? IntPtr.Zero, lr, momentum, dampening, wd,
                        o.nesterov!.Value ? 1 : 0, o.maximize!.Value ? 1 : 0, first ? 1 : 0));
                }
            }, closure);

            protected override OptimizerOptions NewOptions() => new Options();

            protected override void FillDefaults(OptimizerOptions options)
            {
                base.FillDefaults(options);
                var d = (Options)_defaults;
                var o = options as Options ?? throw new ArgumentException($"SGD: a parameter group needs SGD.Options, got {options.GetType().Name}");
                o.momentum ??= d.momentum;
                o.dampening ??= d.dampening;
                o.weight_decay ??= d.weight_decay;
                o.nesterov ??= d.nesterov;
                o.maximize ??= d.maximize;
                Validate(o.LearningRate!.Value, o.momentum!.Value, o.dampening!.Value, o.weight_decay!.Value, o.nesterov!.Value);
            }

            /// <summary>The momentum buffer of one parameter (created on its first update when momentum ≠ 0).</summary>
            public class State : OptimizerState
            {
                public Tensor? momentum_buffer;

                public override void Dispose() => momentum_buffer?.Dispose();
            }

            /// <summary>The state of <paramref name="parameter"/>, or null (no momentum, or before its first update).</summary>
            public State? state(Parameter parameter) => _state.TryGetValue(parameter, out var s) ? (State)s : null;

            public class Options : OptimizerOptions
            {
                public double? momentum;
                public double? dampening;
                public double? weight_decay;
                public bool? nesterov;
                public bool? maximize;
            }

            public class ParamGroup : ParamGroup<Options>, IMomentum
            {
                public ParamGroup() { }

                public ParamGroup(IEnumerable<Parameter> parameters, Options options) : base(parameters, options) { }

                public ParamGroup(IEnumerable<Parameter> parameters, double lr = 1e-3, double momentum = 0.0, double dampening = 0, double weight_decay = 0,
                    bool nesterov = false, bool maximize = false)
                    : base(parameters, new Options {
                        LearningRate = lr, momentum = momentum, dampening = dampening, weight_decay = weight_decay, nesterov = nesterov, maximize = maximize,
                    }) { }

                public double Momentum { get => Options.momentum!.Value; set => Options.momentum = value; }
            }

            public double Momentum { get => ((Options)_defaults).momentum!.Value; set => ((Options)_defaults).momentum = value; }
        }
    }
}
