#:project runner/CrossLMM.Zoo.Notebooks/CrossLMM.Zoo.Notebooks.csproj
#:property PublishAot=false
#:property Nullable=disable
// Generated from notebooks/05-train-a-tiny-model.ipynb by the notebook runner - do not edit; edit the notebook and re-export:
//   dotnet run --project notebooks/runner/CrossLMM.Zoo.Notebooks.Cli -- export notebooks/05-train-a-tiny-model.ipynb
// Run: dotnet run notebooks/05-train-a-tiny-model.cs

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using static CrossLMM.Zoo.Notebooks.NotebookKernel;
using System.Diagnostics;
using CrossLMM.Zoo;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Notebooks;
using CrossLMM.Zoo.Notebooks.Charts;
using CrossLMM.Zoo.Notebooks.Tasks;
using CrossLMM.Zoo.Notebooks.Training;
using CrossLMM.Zoo.Tools.Charts;
using CrossLMM.Zoo.Tools.Inspection;
using CrossLMM.Zoo.Tools.Tables;
using TorchSharp;
using static TorchSharp.torch;

CrossLMM.Zoo.Notebooks.NotebookKernel.StartConsole("05-train-a-tiny-model");

// # 05 · Train a tiny model: does cross-attention find what pooling hides?
//
// **What you will learn**
//
// - how to set up a small, honest experiment with the zoo: a synthetic task, two architectures that differ in
//   exactly one thing, the same data, the same optimiser, several seeds;
// - what CrossLMM's claim looks like at toy scale: pooling each frame to a single token *dilutes* a small detail;
//   cross-attention from the question to the original patch tokens can *look it up*;
// - how zero-initialised gates behave in training (they start closed and have to open);
// - how to read the result without over-reading it.
//
// The notebook trains twelve tiny models (two architectures × two learning rates × three seeds, 300 AdamW steps
// each), two at a time on a two-core machine; it was written to stay under three minutes on two cores (the run
// saved here prints its own time).
//
// > **Quick mode.** The notebook tests set `ZOO_NOTEBOOK_QUICK=1`, which trains 15 steps and one seed so that CI
// > only checks that every cell still runs. The outputs saved in this file come from the full run.

// [cell 2]

// ## The task: what colour is the marker?
//
// A video of T = 4 frames, 32×32 pixels (the `tiny` preset: 8×8 patches, so a frame is a 4×4 grid of 16 patch
// tokens). Every frame is a mosaic of randomly coloured 8×8 blocks — clutter with colour noise of standard
// deviation 0.3 per channel. In **one** frame, **one** block is replaced by a saturated marker in one of four
// colours (red, green, blue, yellow: amplitude 1 per channel). The question is always the same four tokens; the
// answer is the marker's colour, read from four answer tokens at the last position. Chance is 25 %.
//
// Why this separates the two designs: the marker is one patch out of 16 in its frame and out of 64 in the
// video. **Pooling to one token per frame** averages it with 15 clutter patches: its colour arrives at 1/16 of its
// strength, while the clutter averages down only to 1/4 of its own (σ/√16) — a weak signal in noise. The
// **original tokens** keep it at full strength, and T2V attention from the question can pick that one patch.

// [cell 4]
var crossConfig = Zoo.Config("crosslmm-1tok", "tiny");
var task = new MarkerVideoTask(crossConfig, frames: 4, block: 8, colours: 4, clutter: 0.3);
using (var example = task.Sample(1, new Random(3)))
{
    Console.WriteLine($"marker in frame {example.MarkerFrames[0]}, patch {example.MarkerPatches[0]}; answer: {task.ColourNames[(int)example.Answers.item<long>()]}");
    display(AttentionCharts.Video(example.Input.Video, 0, "One sample: find the saturated block", scale: 4), "image/svg+xml");
}

// ## Two architectures that differ in one thing
//
// `crosslmm-1tok` is in the zoo: pool each frame to 1 token, and a dual cross-attention layer (V2V + T2V to all
// original tokens) every 4 layers — at `tiny` (4 layers) that is one DCAL, after layer 3. Its pool-only twin is
// the same YAML without the `fusion:` entry, built at run time as in notebook 02:

// [cell 6]
var poolYaml = """
name: PoolOnly1Tok
summary: crosslmm-1tok without its fusion entry - one pooled token per frame, nothing else.
vision: { kind: vit }
compressor: { kind: pool2d, grid: 1 }
projector: { kind: mlp, depth: 2, activation: gelu, norm: layer_norm }
llm: { kind: qwen2 }
""";
var poolConfig = Zoo.Bind(poolYaml, "tiny", "pool-only-1tok.yaml");
Console.WriteLine(Zoo.Get("crosslmm-1tok").SourceYaml);
foreach (var (name, c) in new[] { ("crosslmm-1tok", crossConfig), ("pool-only-1tok", poolConfig) })
{
    Console.WriteLine($"{name,-15} stream for 4 frames: {c.StreamTokens(4)} visual + {task.Question.Count} question tokens; fusion: {(c.Fusion.Count == 0 ? "none" : LayerPlanView.Describe(c, c.Fusion[0]))}");
}

// ## The experiment
//
// For each seed both models start from the **same weights** — pool-only gets CrossLMM's, all but the DCAL's, as in
// notebook 04 — so at step 0 they compute exactly the same function; they then see the same training batches and
// are evaluated on the same 256 held-out videos. Everything is trained from scratch — ViT, projector, LLM and
// fusion blocks — with `torch.optim.AdamW` (weight decay 0.01, batch 32, 300 steps). The DCAL's gates start at
// tanh(0) = 0, so at step 0 CrossLMM computes exactly what pool-only computes.
//
// One learning rate would invite picking the one that flatters CrossLMM, so there are two: 0.01 and 0.003.
//
// `TinyTrainer` (in `notebooks/runner/CrossLMM.Zoo.Notebooks/Training/`) is a plain loop: sample a batch, run the
// model, cross-entropy over the four answer logits at the last position, `backward()`, `optimizer.step()`; every
// 25 steps it evaluates on the held-out set. `RunAll` builds the twelve models in order, then trains them one
// per core; each run is single-threaded, so its result does not depend on what runs next to it.

// [cell 8]
int steps = NotebookEnvironment.Choose(full: 300, quick: 15);
int[] seeds = NotebookEnvironment.Choose(full: new[] { 1, 2, 3 }, quick: new[] { 1 });
double[] learningRates = { 0.01, 0.003 };

// Pool-only starts from CrossLMM's weights (all but the DCAL's): both compute the same function at step 0.
VideoLmm PoolOnlyLike(int seed)
{
    torch.manual_seed(seed);
    using var cross = VideoLmmBuilder.Build(crossConfig);
    var pool = VideoLmmBuilder.Build(poolConfig);
    pool.load_state_dict(cross.state_dict().Where(kv => !kv.Key.Contains(".cross_attn.")).ToDictionary(kv => kv.Key, kv => kv.Value), strict: true);
    return pool;
}

var models = new (string Name, Func<int, VideoLmm> Build)[]
{
    ("pool-only-1tok", PoolOnlyLike),
    ("crosslmm-1tok", seed => VideoLmmBuilder.Build(crossConfig)),
};
var jobs = (from lr in learningRates
            from seed in seeds
            from m in models
            select new TrainingJob($"{m.Name}|{lr}|{seed}", seed, () => m.Build(seed), task,
                new TrainingOptions(Steps: steps, Batch: 32, LearningRate: lr, WeightDecay: 0.01, EvalEvery: 25,
                    EvalSamples: NotebookEnvironment.Choose(full: 256, quick: 64), Seed: seed))).ToArray();

var clock = Stopwatch.StartNew();
var cpu = Process.GetCurrentProcess().TotalProcessorTime;
var logs = TinyTrainer.RunAll(jobs);
var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;

var runs = logs.Select(l => l.Name.Split('|')).Zip(logs, (k, l) => (Model: k[0], Lr: double.Parse(k[1]), Seed: int.Parse(k[2]), Log: l)).ToArray();
foreach (var r in runs)
{
    string gates = r.Log.Gates.Count == 0 ? "" : "  gates " + string.Join(" ", r.Log.Gates.Select(g => $"{g.Key.Split('.')[^2]}={g.Value:F2}"));
    Console.WriteLine($"lr {r.Lr,-5} seed {r.Seed} {r.Model,-15} held-out accuracy {r.Log.Final.Accuracy,6:P1}  loss {r.Log.Final.Loss:F3}{gates}");
}

Console.WriteLine($"\n{logs.Count} runs × {steps} steps: {clock.Elapsed.TotalSeconds:F0} s wall, {used.TotalSeconds:F0} s CPU on {Environment.ProcessorCount} cores");

// ## Curves

// [cell 10]
foreach (double lr in learningRates)
{
    var chart = new LineChart
    {
        Series = runs.Where(r => r.Lr == lr)
            .Select(r => ChartSeries.Of($"{r.Model}, seed {r.Seed}", r.Log.Evaluations.Select(e => ((double)e.Step, e.Accuracy * 100)), emphasized: r.Model == "crosslmm-1tok"))
            .ToArray(),
        Title = $"Held-out accuracy, learning rate {lr}",
        Subtitle = $"what colour is the marker? tiny preset, 4 frames, 1 pooled token per frame; {steps} AdamW steps; chance = 25 %",
        XLabel = "training step", YLabel = "accuracy on 256 held-out videos (%)",
        XScale = ScaleKind.Linear, YScale = ScaleKind.Linear,
    };
    display(chart.ToSvg(), "image/svg+xml");
}

// Training loss, averaged over the seeds (and over the last 10 steps).
var loss = new LineChart
{
    Series = (from lr in learningRates
              from model in models.Select(m => m.Name)
              let same = runs.Where(r => r.Lr == lr && r.Model == model).ToArray()
              select ChartSeries.Of($"{model}, lr {lr}",
                  Enumerable.Range(1, steps / 5).Select(i => ((double)(i * 5), same.Average(r => r.Log.SmoothedLoss(i * 5)))),
                  emphasized: model == "crosslmm-1tok")).ToArray(),
    Title = "Training loss (mean over seeds and the last 10 steps)",
    Subtitle = "cross-entropy over the 4 answer tokens; ln 4 = 1.39 is chance",
    XLabel = "training step", YLabel = "loss",
    XScale = ScaleKind.Linear, YScale = ScaleKind.Log, YFormat = v => v.ToString("G2"),
};
display(loss.ToSvg(), "image/svg+xml");

// [cell 11]
var summary = new ReportTable($"Held-out accuracy after {steps} steps", new[]
{
    new ReportColumn("learning rate"), new ReportColumn("seed"), new ReportColumn("pool-only-1tok"), new ReportColumn("crosslmm-1tok"), new ReportColumn("difference (points)"),
});
double Final(string model, double lr, int seed) => runs.Single(r => r.Model == model && r.Lr == lr && r.Seed == seed).Log.Final.Accuracy;
foreach (double lr in learningRates)
{
    foreach (int seed in seeds)
    {
        double pool = Final("pool-only-1tok", lr, seed), cross = Final("crosslmm-1tok", lr, seed);
        summary.Add(lr.ToString(), seed.ToString(), pool.ToString("P1"), cross.ToString("P1"), ((cross - pool) * 100).ToString("+0.0;-0.0"));
    }

    double poolMean = seeds.Average(s => Final("pool-only-1tok", lr, s)), crossMean = seeds.Average(s => Final("crosslmm-1tok", lr, s));
    summary.Add(lr.ToString(), "mean", poolMean.ToString("P1"), crossMean.ToString("P1"), ((crossMean - poolMean) * 100).ToString("+0.0;-0.0"));
}

display(TableWriters.Markdown(summary), "text/markdown");

// ## Reading the result
//
// Read the table, not the adjectives. In the run saved here:
//
// - **At learning rate 0.01, CrossLMM wins.** It learns the task on two of three seeds (99.6 % held-out accuracy),
//   while no pool-only run gets past 69 %; mean 83.6 % against 38.7 %.
// - **At learning rate 0.003, it does not.** Pool-only averages 63.7 %, CrossLMM 58.2 %: CrossLMM is best on one seed
//   (100 % against 71 %), ties on one (49 % each) and loses one badly (26 % against 72 %). Both are still climbing at
//   step 300 (see the curves): the budget is short for both at this rate.
// - Over all six runs each: CrossLMM 70.9 %, pool-only 51.2 %. CrossLMM reaches ≥ 99 % in three of six runs,
//   pool-only in none.
// - **How CrossLMM wins when it wins:** its T2V gate opens (|tanh α| ≈ 0.24–0.33) and the answer position attends to
//   the marker's patch (notebook 04 draws the map). Where that gate stayed near 0 (seed 2 at 0.01, seeds 1 and 3 at
//   0.003), CrossLMM is in effect a pool-only model on a slightly different trajectory — and such trajectories
//   diverge: same start, same batches, 26 % against 72 %.
// - **V2V's gate stays exactly 0** in every run, by construction: the only DCAL sits after the last layer, and V2V
//   writes visual positions that nothing reads afterwards, so it gets no gradient (notebook 04 explains).
// - **Pool-only can learn the task.** Its ViT is trained too and can make a saturated patch stand out even in a
//   frame's average: four of its six runs are well above chance. Pooling makes the detail *harder to learn*, not
//   impossible to learn.
// - **Zero-initialised gates have a cost.** At step 0 the branch contributes exactly nothing, and its weights get no
//   gradient until α moves; the flat start of CrossLMM's curves is that wait, and on some seeds it lasts past step 300.
//
// The honest summary: at toy scale, cross-attention from the question to the original tokens found this one-patch
// detail faster and more often than pooling alone at the larger learning rate, and no better at the smaller one.
// Three seeds and 300 steps are enough to see the mechanism (notebook 04 shows it), not to rank the designs.
//
// ## What to try next
//
// - `grid: 3` for both (the zoo's `crosslmm` vs `pool-only`): 9 tokens per frame dilute the marker far less.
//   Does the gap shrink?
// - `clutter: 0.1` (an easy detail) or `clutter: 0.5` (a hard one); more frames (`frames: 8`).
// - `branches: [t2v]` or `[v2v]` in a YAML copy of `crosslmm-1tok`: which branch does the work here?
// - `layout: question_first`: V2V can then read the question too.
// - Train longer (`full: 1000` in the `steps` line) and see where the lower learning rate's curves end up.
// - `every: 2` in a YAML copy of `crosslmm-1tok`: a DCAL after layer 1 gives V2V a path to the answer.
// - Look inside: [04 · inside the cross-attention](04-inside-the-cross-attention.ipynb) shows where the trained
//   T2V attention looks.
