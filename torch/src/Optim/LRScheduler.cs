using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchSharp;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>Learning-rate schedules (TorchSharp's names; the formulas are PyTorch's torch/optim/lr_scheduler.py).</summary>
        public static partial class lr_scheduler
        {
            /// <summary>
            /// Base of the schedulers: <see cref="step()"/> advances the epoch (or batch) counter and writes
            /// <see cref="get_lr"/>'s values into the optimizer's groups. Constructing a scheduler performs the first step
            /// (epoch 0), as in PyTorch.
            /// </summary>
            public abstract class LRScheduler
            {
                internal Optimizer _optimizer = null!;
                internal int _last_epoch = -1;
                internal bool _verbose;
                protected int _step_count;
                internal IList<double> _last_lrs = new List<double>();
                internal IList<double> _base_lrs = new List<double>();

                protected LRScheduler() { }

                protected LRScheduler(Optimizer optimizer, int last_epoch = -1, bool verbose = false)
                {
                    _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
                    _last_epoch = last_epoch;
                    _verbose = verbose;
                    if (last_epoch == -1) {
                        foreach (var pg in optimizer.ParamGroups) pg.InitialLearningRate = pg.LearningRate;
                    }
                    _base_lrs = optimizer.ParamGroups.Select(pg => pg.InitialLearningRate).ToList();
                    _last_lrs = optimizer.ParamGroups.Select(pg => pg.LearningRate).ToList();
                }

                /// <summary>Advances the schedule by one epoch (or batch, if that is how it is used).</summary>
                public virtual void step() => step(null);

                /// <summary>Advances the schedule, to <paramref name="epoch"/> if given.</summary>
                public virtual void step(int? epoch)
                {
                    _step_count += 1;
                    _last_epoch = epoch ?? _last_epoch + 1;
                    // get_lr() may depend on the groups' current rates: call it once per step.
                    var lr = get_lr().ToList();
                    var pgs = _optimizer.ParamGroups.ToList();
                    for (var i = 0; i < pgs.Count; i++) {
                        pgs[i].LearningRate = lr[i];
                        if (_verbose && _last_lrs[i] != lr[i]) Console.WriteLine($"Adjusting learning rate of group {i} to {lr[i]}");
                        _last_lrs[i] = lr[i];
                    }
                }

                /// <summary>Advances the schedule; the metric is ignored by every scheduler here.</summary>
                public virtual void step(double current, int? epoch = null) => step(epoch);

                /// <summary>The rates for the current epoch, one per group.</summary>
                protected virtual IEnumerable<double> get_lr() => _optimizer.ParamGroups.Select(pg => pg.LearningRate);

                /// <summary>The rates set by the last step.</summary>
                public IEnumerable<double> get_last_lr() => _last_lrs;
            }

            public static partial class impl
            {
                /// <summary>lr = base_lr · lr_lambda(epoch), per group.</summary>
                public class LambdaLR : LRScheduler
                {
                    private readonly List<Func<int, double>> _lr_lambdas;

                    public LambdaLR(Optimizer optimizer, Func<int, double> lr_lambda, int last_epoch = -1, bool verbose = false)
                        : base(optimizer, last_epoch, verbose)
                    {
                        ArgumentNullException.ThrowIfNull(lr_lambda);
                        _lr_lambdas = Enumerable.Repeat(lr_lambda, optimizer.ParamGroups.Count()).ToList();
                        step();
                    }

                    public LambdaLR(Optimizer optimizer, IEnumerable<Func<int, double>> lr_lambdas, int last_epoch = -1, bool verbose = false)
                        : base(optimizer, last_epoch, verbose)
                    {
                        _lr_lambdas = lr_lambdas.ToList();
                        var groups = optimizer.ParamGroups.Count();
                        if (_lr_lambdas.Count != groups)
                            throw new ArgumentException($"LambdaLR: {_lr_lambdas.Count} lambdas given for {groups} parameter groups", nameof(lr_lambdas));
                        step();
                    }

                    protected override IEnumerable<double> get_lr() =>
                        Enumerable.Range(0, _base_lrs.Count).Select(i => _base_lrs[i] * _lr_lambdas[i](_last_epoch));
                }

                /// <summary>
                /// Cosine annealing from base_lr to eta_min over T_max epochs (Loshchilov &amp; Hutter, SGDR), in PyTorch's
                /// recursive form, which honours rate changes made outside the scheduler; without such changes it equals
                /// η_min + (η_base − η_min)(1 + cos(π·t/T_max))/2, and it keeps oscillating past T_max.
                /// </summary>
                public class CosineAnnealingLR : LRScheduler
                {
                    private readonly double _T_max;
                    private readonly double _eta_min;

                    public CosineAnnealingLR(Optimizer optimizer, double T_max, double eta_min = 0, int last_epoch = -1, bool verbose = false)
                        : base(optimizer, last_epoch, verbose)
                    {
                        if (!(T_max > 0)) throw new ArgumentOutOfRangeException(nameof(T_max), T_max, "CosineAnnealingLR: T_max must be positive");
                        _T_max = T_max;
                        _eta_min = eta_min;
                        step();
                    }

                    protected override IEnumerable<double> get_lr()
                    {
                        var pgs = _optimizer.ParamGroups.ToList();
                        var t = (double)_last_epoch;
                        if (_last_epoch == 0) return pgs.Select(pg => pg.LearningRate).ToList();
                        if (_step_count == 1 && _last_epoch > 0)  // resumed: closed form
                            return _base_lrs.Select(b => _eta_min + (b - _eta_min) * (1 + Math.Cos(t * Math.PI / _T_max)) / 2).ToList();
                        if ((t - 1 - _T_max) % (2 * _T_max) == 0)
                            return pgs.Select((pg, i) => pg.LearningRate + (_base_lrs[i] - _eta_min) * (1 - Math.Cos(Math.PI / _T_max)) / 2).ToList();
                        return pgs.Select(pg => (1 + Math.Cos(Math.PI * t / _T_max)) / (1 + Math.Cos(Math.PI * (t - 1) / _T_max))
                                                * (pg.LearningRate - _eta_min) + _eta_min).ToList();
                    }
                }
            }

            /// <summary>lr = base_lr · lr_lambda(epoch).</summary>
            public static LRScheduler LambdaLR(Optimizer optimizer, Func<int, double> lr_lambda, int last_epoch = -1, bool verbose = false) =>
                new impl.LambdaLR(optimizer, lr_lambda, last_epoch, verbose);

            /// <summary>Cosine annealing from each group's initial rate to <paramref name="eta_min"/> over <paramref name="T_max"/> steps.</summary>
            public static LRScheduler CosineAnnealingLR(Optimizer optimizer, double T_max, double eta_min = 0, int last_epoch = -1, bool verbose = false) =>
                new impl.CosineAnnealingLR(optimizer, T_max, eta_min, last_epoch, verbose);
        }
    }
}
