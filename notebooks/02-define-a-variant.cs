#:project runner/CrossLMM.Zoo.Notebooks/CrossLMM.Zoo.Notebooks.csproj
#:property PublishAot=false
#:property Nullable=disable
// Generated from notebooks/02-define-a-variant.ipynb by the notebook runner - do not edit; edit the notebook and re-export:
//   dotnet run --project notebooks/runner/CrossLMM.Zoo.Notebooks.Cli -- export notebooks/02-define-a-variant.ipynb
// Run: dotnet run notebooks/02-define-a-variant.cs

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using static CrossLMM.Zoo.Notebooks.NotebookKernel;
using CrossLMM.Zoo;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Spec;
using CrossLMM.Zoo.Tools.Charts;
using CrossLMM.Zoo.Tools.Cost;
using CrossLMM.Zoo.Tools.Inference;
using CrossLMM.Zoo.Tools.Inspection;
using CrossLMM.Zoo.Tools.Tables;
using TorchSharp;
using static TorchSharp.torch;

CrossLMM.Zoo.Notebooks.NotebookKernel.StartConsole("02-define-a-variant");

// # 02 · Define a variant in YAML
//
// **What you will learn**
//
// - how a new architecture is written: a short YAML file that picks one `kind:` for each part (vision,
//   compressor, projector, LLM, fusion, layout) — no C#, no rebuild;
// - how the runtime builder (`Zoo.TryBuild` / `Zoo.Build`) binds it at a size preset and builds the model, with
//   the same rules and diagnostics as the source generator that compiles the zoo's own architectures;
// - what a mistake in the YAML reports: a stable ID (`CLMZxxxx`), a message that quotes the values, a "did you
//   mean", and the **line and column** in your text;
// - how to compare the new variant's cost with CrossLMM's at paper scale (7b) without allocating a 7B model.

// [cell 2]

// ## The idea
//
// CrossLMM keeps one quadratic term in its fusion: each V2V query (a pooled token) attends to *all* T·N original
// tokens, so V2V costs n·N·T² per layer. Two changes might make it cheaper *and* better informed:
//
// 1. `scope: frame` — a pooled token of frame t attends only to frame t's N original tokens (linear in T);
// 2. `layout: question_first` — with the question before the video, the pooled tokens see the question under the
//    causal mask, so V2V becomes text-aware (with `video_first` they cannot see it).
//
// Let's also use 2×2 = 4 tokens per frame and put a dual cross-attention layer every 2 layers. Here is a first
// attempt, typed in a hurry:

// [cell 4]
var draft = """
name: CrossLmmLocal
summary: CrossLMM with the question first, 2x2 tokens per frame and frame-local V2V every 2 layers.
vision: { kind: vit }
compressor: { kind: pool2d, grid: 5 }
projector: { kind: mlp, depth: 2, activation: gelu, norm: layer_norm }
llm: { kind: qwen2 }
fusion:
  - { kind: dual_cross_attention, every: 2, branchs: [v2v, t2v], scope: per_frame }
layout: question_first
""";

// Prints each diagnostic in MSBuild form, then the YAML line with a caret under the column it points at.
void Report(string yaml, IEnumerable<SpecDiagnostic> diagnostics)
{
    var lines = yaml.Split('\n');
    foreach (var d in diagnostics)
    {
        Console.WriteLine(d);
        if (d.Span.Line <= lines.Length)
        {
            Console.WriteLine($"  {d.Span.Line,2} | {lines[d.Span.Line - 1]}");
            Console.WriteLine($"     | {new string(' ', d.Span.Column - 1)}^");
        }
    }
}

bool built = Zoo.TryBuild(draft, out var draftModel, out var diagnostics, preset: "tiny", path: "crosslmm-local.yaml");
Console.WriteLine($"built: {built}, {diagnostics.Count} diagnostic(s)\n");
Report(draft, diagnostics);

// Each diagnostic has a stable ID, quotes the offending value, and points at its line and column:
//
// - **CLMZ0002 (unknown key)**: `branchs` is not a field of `dual_cross_attention`; the message suggests `branches`.
// - **CLMZ0004 (unknown value)**: `scope` is `global` or `frame`.
//
// Each ID has a page in `docs/diagnostics/` (e.g. `docs/diagnostics/CLMZ0004.md`). The same messages appear as
// build errors when the file lives in `architectures/`, and editors flag them through `architectures/schema/`.
// Fix those two and try again:

// [cell 6]
var second = draft.Replace("branchs:", "branches:").Replace("scope: per_frame", "scope: frame");
Zoo.TryBuild(second, out _, out var more, preset: "tiny", path: "crosslmm-local.yaml");
Report(second, more);

// The structure is now valid, so the size rules run: **CLMZ0013 (pooling larger than the patch grid)**. At the
// `tiny` preset a frame is a 4×4 patch grid, so a 5×5 pooling grid is impossible. The same YAML binds at `7b`
// (27×27 patches): the runtime builder checks the preset you ask for, the source generator checks every preset
// in `zoo.yaml`. We meant 2×2 anyway.
//
// ## Fix it and build

// [cell 8]
var yaml = second.Replace("grid: 5", "grid: 2");

torch.manual_seed(0);
bool ok = Zoo.TryBuild(yaml, out var model, out var warnings, preset: "tiny", path: "crosslmm-local.yaml");
Console.WriteLine($"built: {ok}, {warnings.Count} diagnostic(s)");
var local = Zoo.Bind(yaml, "tiny", "crosslmm-local.yaml");
foreach (var entry in LayerPlanView.Of(local))
{
    Console.WriteLine($"  layers {entry.Layers,-4} {entry.Block}{(entry.Fusion.Length > 0 ? ": " + entry.Fusion : "")}");
}

Console.WriteLine($"{ModuleTree.CountParameters(model):N0} parameters (CrossLMM at tiny: {ModuleTree.CountParameters(Zoo.Create("crosslmm", "tiny")):N0})");

// The built model is an ordinary `VideoLmm`: run it on a synthetic video. With `question_first` the stream is
// [question; video], so the visual block starts after the 6 text tokens.

// [cell 10]
model.eval();
using (torch.no_grad())
{
    torch.manual_seed(1);
    using var output = model.call(VideoInputs.Random(local, frames: 8, textTokens: 6), null);
    Console.WriteLine($"logits {StageShape.Format(output.Logits.shape)}; stream = {output.Counts.TextTokens} text + {output.Counts.VisualTokensInStream} visual (8 frames × 4)");
    Console.WriteLine($"each V2V query reads {local.EncoderTokensPerFrame} original tokens (its frame), each T2V query all {output.Counts.SourceTokens[FusionSource.Original]}");
}

// ## What does it cost at paper scale?
//
// The cost model (`modules/Cost`, derivation in `docs/cost-model.md`) is arithmetic on the configuration, so the
// 7b variant costs nothing to evaluate. Bind the same YAML at `7b` and compare with CrossLMM, pool-only and
// LLaVA-OneVision over 32–1024 frames (64 text tokens; FLOPs = 2 per multiply-add; the prefill).

// [cell 12]
int[] frames = { 32, 64, 128, 256, 512, 1024 };
var configs = new[] { Zoo.Bind(yaml, "7b", "crosslmm-local.yaml") }
    .Concat(new[] { "crosslmm", "pool-only", "llava-ov" }.Select(stem => Zoo.Config(stem, "7b")))
    .ToArray();
var reports = CostSweep.Run(configs, frames, textTokens: 64);

var costTable = new ReportTable("Prefill at 7b, 64 text tokens", new[]
{
    new ReportColumn("architecture", ColumnAlignment.Left), new ReportColumn("frames"), new ReportColumn("LLM tokens"),
    new ReportColumn("TFLOPs"), new ReportColumn("fusion TFLOPs"), new ReportColumn("KV GiB"), new ReportColumn("params"),
});
foreach (var r in reports.Where(r => r.Frames is 64 or 256 or 1024))
{
    costTable.Add(r.Stem, r.Frames.ToString(), Units.Count(r.Tokens.StreamTokens), Units.Tera(r.Prefill.Total),
        Units.Tera(r.Prefill.ByStage(CostStage.Fusion)), Units.Gibibytes(r.Memory.KvCacheBytes), Units.Parameters(r.Parameters.Total));
}

display(TableWriters.Markdown(costTable), "text/markdown");
display(CostOutputs.Chart(reports, CostMetric.Flops).ToSvg(), "image/svg+xml");

// [cell 13]
// How the prefill grows when the video doubles: × 2 is linear, × 4 quadratic.
foreach (var stem in configs.Select(c => c.Stem))
{
    var f = reports.Where(r => r.Stem == stem).ToDictionary(r => r.Frames, r => (double)r.Prefill.Total);
    var fusion = reports.Where(r => r.Stem == stem).ToDictionary(r => r.Frames, r => (double)r.Prefill.ByStage(CostStage.Fusion));
    string fusionGrowth = fusion[512] > 0 ? $"fusion alone × {fusion[1024] / fusion[512]:F2}" : "no fusion";
    Console.WriteLine($"{stem,-16} 128→256 × {f[256] / f[128]:F2}   512→1024 × {f[1024] / f[512]:F2}   ({fusionGrowth})");
}

// **Reading the numbers.** The variant's fusion work grows exactly ×2 each time the video doubles: with
// `scope: frame` no fusion term is quadratic any more, and the one quadratic term left — the LLM's
// self-attention over 4 tokens per frame — is small, so the whole prefill grows ×2.00 from 512 to 1024 frames.
// CrossLMM's global V2V costs 4·H·n·N·T² per DCAL layer: its fusion alone grows ×3.5 from 512 to 1024 frames, and
// its prefill ×2.55. At 1024 frames the variant needs 959 TFLOPs against CrossLMM's 1,665.
//
// It is not free, though. At 64 frames the two are about even (61 vs 63 TFLOPs): the variant has twice as many
// DCAL layers (every 2 layers: 14 at 7b), and each projects all T·N original tokens to keys and values — linear
// in T, but not small. The same doubling shows in memory and size: the cached T2V keys/values are 5.0 GiB at 256
// frames against CrossLMM's 2.6, and the model has 1.8B more parameters.
//
// Whether frame-local, text-aware V2V is *better* is a question for training (notebook 05 shows how to run a
// small experiment); the cost is a question the cost model answers exactly.
//
// ## What to try next
//
// - `every: 4` or `layers: [13, 27]` instead of `every: 2` and watch the fusion TFLOPs and KV GiB.
// - `branches: [t2v]` alone (the `crosslmm-t2v` ablation): the cheapest fusion, linear in T.
// - Swap the compressor: `{ kind: perceiver, latents: 64 }` with `source: compressed`, or `{ kind: temporal_pool, frames: 4, stride: 2 }`
//   with `kind: hybrid` fusion — and read the diagnostics when a combination makes no sense (e.g. V2V with
//   `layout: cross_attention_only`).
// - Save the YAML as `architectures/crosslmm-local.yaml`, list it in `zoo.yaml`, rebuild: it becomes a typed
//   `CrossLmmLocal` class and `CrossLmmLocalConfig` with one property per preset, equal to what `Zoo.Build` gives.
// - Next: [03 · what tokens cost](03-what-tokens-cost.ipynb) runs the cost model over the whole zoo.
