using System;
using System.Runtime;
using System.Threading;

namespace CrossLMM.Zoo.Tools.Training.Data;

/// <summary>
/// Draws the next training micro-batch on a background thread while the training thread computes the current one.
/// <para>Why it is gated: TorchSharp 0.107 passes temporary <c>Scalar</c>s (e.g. the implicit alpha of every tensor
/// <c>add</c>) to libtorch without keeping them alive, so a garbage collection that starts while the training thread is
/// inside a native call can finalize one under it ("Expected false to be true" from <c>Scalar::toFloat</c>; seen here
/// within 50 steps with an ungated prefetch thread). A GC is only triggered by an allocating thread; the training thread
/// allocates only between native calls, but a prefetch thread could allocate at any time. So the worker draws only
/// while the training thread holds a no-GC region (<see cref="EnterQuietStep"/>, <c>GC.TryStartNoGCRegion</c>, entered
/// at a safe point), and the region is not left until the worker's draw has finished. Where a region cannot be entered,
/// the batch is drawn on the training thread instead.</para>
/// <para>Only plain arrays cross threads (<see cref="HostBatch"/>); tensors are made on the training thread. Batches are
/// a pure function of their index, so prefetching changes timing, never data.</para>
/// </summary>
public sealed class BatchPrefetcher : IDisposable
{
    /// <summary>Allocation budget of one step's no-GC region (both threads' allocations; tensors' data is native and not counted).</summary>
    public const long StepBudgetBytes = 64L << 20;

    private readonly object _gate = new();
    private readonly TrainingData _data;
    private readonly int _size;
    private readonly Thread _worker;
    private HostBatch? _ready;
    private Exception? _error;
    private long _next;
    private bool _open;
    private bool _stopped;

    /// <summary>Starts the worker for micro-batches <paramref name="first"/>, <paramref name="first"/> + 1, … of <paramref name="size"/> samples.</summary>
    /// <param name="data">The data.</param>
    /// <param name="first">Index of the first micro-batch.</param>
    /// <param name="size">Samples per micro-batch.</param>
    public BatchPrefetcher(TrainingData data, long first, int size)
    {
        _data = data ?? throw new ArgumentNullException(nameof(data));
        _size = size >= 1 ? size : throw new ArgumentException($"size ({size}) must be ≥ 1", nameof(size));
        _next = first;
        _worker = new Thread(Work) { IsBackground = true, Name = "zoo-train-prefetch" };
        _worker.Start();
    }

    /// <summary>Micro-batches drawn on the worker (the rest were drawn on the training thread).</summary>
    public long Prefetched { get; private set; }

    /// <summary>
    /// Enters a no-GC region for one training step and lets the worker draw; dispose the result at the end of the step
    /// (it waits for a draw in progress, then leaves the region). Call it at a point where a GC is safe.
    /// </summary>
    public IDisposable EnterQuietStep()
    {
        bool entered;
        try
        {
            entered = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(StepBudgetBytes);
        }
        catch (ArgumentOutOfRangeException)
        {
            entered = false;
        }
        catch (InvalidOperationException)
        {
            entered = false;
        }

        if (entered)
        {
            lock (_gate)
            {
                _open = true;
                Monitor.PulseAll(_gate);
            }
        }

        return new QuietStep(this, entered);
    }

    /// <summary>The next micro-batch: the prefetched one, or one drawn now on this thread. An error of the worker is rethrown here.</summary>
    public HostBatch Next()
    {
        long index;
        lock (_gate)
        {
            while (_ready is null && _error is null && _open)
            {
                Monitor.Wait(_gate);
            }

            if (_error is { } error)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
            }

            if (_ready is { } ready)
            {
                _ready = null;
                _next++;
                Monitor.PulseAll(_gate);
                return ready;
            }

            index = _next++;
        }

        return _data.Train(index, _size);
    }

    /// <summary>Stops the worker.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }

        _worker.Join(TimeSpan.FromSeconds(30));
    }

    private void Work()
    {
        lock (_gate)
        {
            while (true)
            {
                while (!_stopped && (!_open || _ready is not null || _error is not null))
                {
                    Monitor.Wait(_gate);
                }

                if (_stopped)
                {
                    return;
                }

                // Drawn while holding the gate: the region cannot close (and a GC cannot be due to this thread) mid-draw.
                try
                {
                    _ready = _data.Train(_next, _size);
                    Prefetched++;
                }
                catch (Exception e)
                {
                    _error = e;
                }

                Monitor.PulseAll(_gate);
            }
        }
    }

    private void Close()
    {
        lock (_gate)
        {
            _open = false;
        }
    }

    private sealed class QuietStep : IDisposable
    {
        private readonly BatchPrefetcher _owner;
        private readonly bool _entered;

        public QuietStep(BatchPrefetcher owner, bool entered)
        {
            _owner = owner;
            _entered = entered;
        }

        public void Dispose()
        {
            if (!_entered)
            {
                return;
            }

            _owner.Close();
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                try
                {
                    GC.EndNoGCRegion();
                }
                catch (InvalidOperationException)
                {
                    // The budget ran out and a GC already ended the region.
                }
            }
        }
    }
}
