using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class optim
        {
            /// <summary>
            /// Base of every optimizer (TorchSharp's <c>torch.optim.Optimizer</c>): parameter groups with their own
            /// hyper-parameters, <see cref="step"/>, <see cref="zero_grad"/>. Disposing it releases the per-parameter
            /// state (moments, momentum buffers); the parameters themselves belong to their modules.
            /// </summary>
            public abstract class Optimizer : IDisposable
            {
                protected IList<ParamGroup> _parameter_groups = new List<ParamGroup>();
                private bool _disposed;

                /// <summary>Sets the gradient of every parameter to zero (in place; parameters without a gradient are skipped).</summary>
                public virtual void zero_grad()
                {
                    foreach (var p in parameters()) {
                        using var g = p.grad;
                        g?.zero_();
                    }
                }

                /// <summary>
                /// One update of every parameter that has a gradient. <paramref name="closure"/>, if given, is run first with
                /// gradients enabled and its loss returned.
                /// </summary>
                public abstract Tensor? step(Func<Tensor>? closure = null);

                /// <summary>Adds a group; its unset options take the optimizer's defaults.</summary>
                public abstract void add_param_group(ParamGroup param_group);

                /// <summary>Every parameter of every group.</summary>
                public virtual IEnumerable<Parameter> parameters() => _parameter_groups.SelectMany(g => g.Parameters);

                /// <summary>The groups, as learning-rate schedulers see them.</summary>
                public virtual IEnumerable<ILearningRateController> ParamGroups => _parameter_groups;

                public void Dispose()
                {
                    Dispose(true);
                    GC.SuppressFinalize(this);
                }

                protected virtual void Dispose(bool disposing)
                {
                    if (_disposed) return;
                    _disposed = true;
                }

                /// <summary>Throws once the optimizer has been disposed.</summary>
                protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
            }

            /// <summary>What learning-rate schedulers read and write on a parameter group.</summary>
            public interface ILearningRateController
            {
                double LearningRate { set; get; }
                double InitialLearningRate { set; get; }
            }

            /// <summary>Optimizers with momentum (for schedulers that cycle it).</summary>
            public interface IMomentum
            {
                double Momentum { get; set; }
            }

            /// <summary>Optimizers with Adam-style betas.</summary>
            public interface IBetas
            {
                (double, double) Betas { get; set; }
            }
        }
    }

    namespace Modules
    {
        using static torch.optim;

        /// <summary>
        /// Shared machinery of the managed optimizers: group bookkeeping, per-parameter state that lives across steps
        /// (created on a parameter's first update, disposed with the optimizer), and the step loop, which runs every
        /// update under no_grad inside a dispose scope so no temporary outlives the step.
        /// </summary>
        public abstract class OptimizerHelper : Optimizer
        {
            protected OptimizerOptions _defaults = new();
            protected readonly Dictionary<Parameter, OptimizerState> _state = new(ReferenceEqualityComparer.Instance);

            /// <summary>Runs the closure (grad enabled), then <paramref name="body"/> once per group, under no_grad in a dispose scope.</summary>
            protected Tensor? _step<T>(Action<T> body, Func<Tensor>? loss_closure = null) where T : ParamGroup
            {
                ThrowIfDisposed();
                Tensor? loss = null;
                if (loss_closure is not null) {
                    using (enable_grad()) loss = loss_closure();
                }
                using (no_grad())
                using (NewDisposeScope()) {
                    foreach (var group in _parameter_groups) body((T)group);
                }
                return loss;
            }

            /// <summary>Registers the group's parameters (each may belong to one group only) and fills unset options from the defaults.</summary>
            public override void add_param_group(ParamGroup param_group)
            {
                ArgumentNullException.ThrowIfNull(param_group);
                ThrowIfDisposed();
                var list = (param_group.Parameters ?? throw new ArgumentException("add_param_group: the group has no Parameters", nameof(param_group))).ToList();
                var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
                foreach (var p in _parameter_groups.SelectMany(g => g.Parameters)) seen.Add(p);
                foreach (var p in list) {
                    if (p is null) throw new ArgumentException("add_param_group: a parameter is null", nameof(param_group));
                    if (!seen.Add(p)) throw new ArgumentException($"add_param_group: parameter {p} appears in more than one parameter group (or twice in one)", nameof(param_group));
                }
                param_group.Parameters = list;
                param_group.Options ??= NewOptions();
                FillDefaults(param_group.Options);
                param_group.Options.InitialLearningRate = param_group.Options.LearningRate!.Value;
                _parameter_groups.Add(param_group);
            }

            /// <summary>A blank options record of the optimizer's own type.</summary>
            protected abstract OptimizerOptions NewOptions();

            /// <summary>Copies every unset option from <see cref="_defaults"/>.</summary>
            protected virtual void FillDefaults(OptimizerOptions options) => options.LearningRate ??= _defaults.LearningRate;

            protected override void Dispose(bool disposing)
            {
                if (disposing) {
                    foreach (var s in _state.Values) s.Dispose();
                    _state.Clear();
                }
                base.Dispose(disposing);
            }
        }

        /// <summary>Hyper-parameters of a parameter group; null means "use the optimizer's default".</summary>
        public class OptimizerOptions
        {
            public double? LearningRate { get; set; }
            public double InitialLearningRate { get; set; }
        }

        /// <summary>Per-parameter state that persists across steps (owned by the optimizer).</summary>
        public abstract class OptimizerState : IDisposable
        {
            public abstract void Dispose();
        }

        /// <summary>A set of parameters sharing hyper-parameters.</summary>
        public class ParamGroup : ILearningRateController
        {
            public IEnumerable<Parameter> Parameters { get; set; } = Array.Empty<Parameter>();

            public OptimizerOptions Options { get; set; } = null!;

            public double LearningRate {
                get => Options.LearningRate ?? throw new InvalidOperationException("the group's learning rate is not set yet (add it to an optimizer first)");
                set => Options.LearningRate = value;
            }

            public double InitialLearningRate { get => Options.InitialLearningRate; set => Options.InitialLearningRate = value; }
        }

        /// <summary>A parameter group with options of a specific optimizer.</summary>
        public class ParamGroup<TOptions> : ParamGroup where TOptions : OptimizerOptions
        {
            public ParamGroup() { }

            public ParamGroup(IEnumerable<Parameter> parameters, TOptions? options = null)
            {
                Parameters = parameters;
                base.Options = options!;
            }

            public new TOptions Options { get => (TOptions)base.Options; set => base.Options = value; }
        }
    }
}
