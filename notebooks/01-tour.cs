#:project runner/CrossLMM.Zoo.Notebooks/CrossLMM.Zoo.Notebooks.csproj
#:property PublishAot=false
#:property Nullable=disable
// Generated from notebooks/01-tour.ipynb by the notebook runner - do not edit; edit the notebook and re-export:
//   dotnet run --project notebooks/runner/CrossLMM.Zoo.Notebooks.Cli -- export notebooks/01-tour.ipynb
// Run: dotnet run notebooks/01-tour.cs

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using static CrossLMM.Zoo.Notebooks.NotebookKernel;
using CrossLMM.Zoo;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Tools.Inference;
using CrossLMM.Zoo.Tools.Inspection;
using CrossLMM.Zoo.Tools.Tables;
using TorchSharp;
using static TorchSharp.torch;

CrossLMM.Zoo.Notebooks.NotebookKernel.StartConsole("01-tour");

// # 01 · A tour of the zoo
//
// **What you will learn**
//
// - how a notebook loads the zoo (the catalogue `Zoo`, the typed configs, the blocks in `modules/`);
// - which architectures the zoo has and how many tokens each puts into the language model;
// - how one YAML file becomes a configuration at a size preset, with an explicit per-layer plan;
// - how to build CrossLMM at the `tiny` preset, run it on a synthetic video, and read its module tree and the
//   tensor shape at every stage — and where CrossLMM's two ideas (pooling before the LLM, cross-attention to the
//   original tokens inside it) show up in those shapes.
//
// Everything here runs on a laptop CPU in a few seconds. The notebook only *uses* the zoo: no model code lives
// in a cell.

// [cell 2]

// ## The catalogue
//
// `Zoo.Architectures` is generated at build time from `zoo.yaml` and `architectures/*.yaml`. Each entry knows its
// YAML, its paper and the formula for the number of visual tokens it puts into the LLM stream for T frames
// (g is the side of the patch grid: 27 at paper scale, so a frame has g² = 729 encoder tokens; 4 at `tiny`).

// [cell 4]
var catalogue = new ReportTable("The zoo", new[]
{
    new ReportColumn("stem", ColumnAlignment.Left), new ReportColumn("type", ColumnAlignment.Left),
    new ReportColumn("visual tokens in the LLM for T frames", ColumnAlignment.Left),
    new ReportColumn("T = 64 at 7b"), new ReportColumn("paper", ColumnAlignment.Left),
});
foreach (var a in Zoo.Architectures)
{
    catalogue.Add(a.Stem, a.Name, a.TokensFormula, a.Config("7b").StreamTokens(64).ToString("N0"), a.Paper);
}

display(TableWriters.Markdown(catalogue), "text/markdown");

// Full tokens put all 64 × 729 = 46,656 encoder tokens into the LLM; LLaVA-OneVision pools each frame to 14×14;
// CrossLMM pools to 3×3 = 9 tokens per frame (576 for 64 frames) and gets the detail back through
// cross-attention inside the LLM. `flamingo` puts no visual token in the stream at all (`cross_attention_only`).
//
// ## One architecture, one YAML
//
// This is CrossLMM's spec. *Structure* lives here; *sizes* come from a preset in `zoo.yaml`.

// [cell 6]
var info = Zoo.Get("crosslmm");
Console.WriteLine(info.SourceYaml);

// Binding the spec at a preset derives every size once and expands `every: 4` into an explicit layer plan.
// At `tiny` the LLM has 4 layers, so the dual cross-attention layer (DCAL) sits after layer 3 only; at `7b`
// (28 layers) it sits after layers 3, 7, …, 27.

// [cell 8]
var config = Zoo.Config("crosslmm", "tiny");
Console.WriteLine($"vision: {config.Vision.Image}×{config.Vision.Image} px frames, {config.Vision.Patch}×{config.Vision.Patch} patches → N = {config.EncoderTokensPerFrame} tokens per frame of width D = {config.Vision.Hidden}");
Console.WriteLine($"LLM: {config.Llm.Layers} layers, width H = {config.Llm.Hidden}, {config.Llm.Heads} heads ({config.Llm.KvHeads} key/value heads), vocabulary {config.Llm.Vocab}");
Console.WriteLine($"stream tokens for 8 frames: {config.StreamTokens(8)} = 8 × {config.StreamTokensPerFrame}");
Console.WriteLine();
foreach (var preset in new[] { "tiny", "7b" })
{
    Console.WriteLine($"layer plan at {preset}:");
    foreach (var entry in LayerPlanView.Of(Zoo.Config("crosslmm", preset)))
    {
        Console.WriteLine($"  layers {entry.Layers,-6} {entry.Block}{(entry.Fusion.Length > 0 ? ": " + entry.Fusion : "")}");
    }
}

// ## Build it and look inside
//
// `Zoo.Create` builds the generated typed module (`CrossLmm`, a `VideoLmm`) with freshly initialised weights.
// The tree merges identical consecutive layers; counts include every descendant.

// [cell 10]
torch.manual_seed(0);
var model = Zoo.Create("crosslmm", "tiny");
model.eval();
Console.WriteLine($"{model.GetType().Name}: {ModuleTree.CountParameters(model):N0} parameters");
foreach (var line in ModuleTree.Lines(ModuleTree.Of(model, "model", maxDepth: 4)))
{
    Console.WriteLine(line);
}

Console.WriteLine();
Console.WriteLine("the layer that carries the DCAL, expanded:");
foreach (var line in ModuleTree.Lines(ModuleTree.Of(model.LanguageModel.Model.Layers[3], "language_model.model.layers.3", maxDepth: 3)))
{
    Console.WriteLine(line);
}

// Read it top to bottom, it is the order the data flows: `vision_tower` (a SigLIP-style ViT) → `compressor`
// (parameter-free 2D pooling) → `multi_modal_projector` (2-layer MLP with LayerNorm) → `language_model` (Qwen2)
// whose layer 3 carries `cross_attn`, the DCAL, with its `v2v` and `t2v` branches, its own FFN and three
// `TanhGate`s, each a single parameter α initialised to 0.
//
// ## A forward pass on a synthetic video
//
// Eight random frames and a six-token prompt. `StageShapes.Trace` derives every stage's shape from the config
// and checks it against the shapes a real forward produces (hooks on the model's parts).

// [cell 12]
const int frames = 8, textTokens = 6;
var stages = StageShapes.Trace(model, config, frames, textTokens, seed: 1);
var table = new ReportTable($"CrossLMM, tiny, {frames} frames, {textTokens} text tokens", new[]
{
    new ReportColumn("stage", ColumnAlignment.Left), new ReportColumn("symbols", ColumnAlignment.Left),
    new ReportColumn("derived", ColumnAlignment.Left), new ReportColumn("measured", ColumnAlignment.Left),
});
foreach (var s in stages)
{
    table.Add(s.Stage, s.Symbols, StageShape.Format(s.Shape), s.Measured is null ? "" : StageShape.Format(s.Measured) + (s.Matches == true ? " ✓" : " ✗"));
}

display(TableWriters.Markdown(table), "text/markdown");

// The two ideas are both visible:
//
// - **pooling before the LLM**: the compressor turns (1, 8, 16, 32) encoder tokens into (1, 72, 32): 9 per frame,
//   so the LLM stream is 72 + 6 = 78 positions instead of 128 + 6;
// - **cross-attention to the original tokens**: the fusion source `original` is all 8 × 16 = 128 encoder
//   tokens, projected to the LLM width once and read as keys/values by the DCAL on layer 3.
//
// The model's own report of a pass says the same:

// [cell 14]
using (torch.no_grad())
{
    torch.manual_seed(1);
    using var output = model.call(VideoInputs.Random(config, frames, textTokens), null);
    var c = output.Counts;
    Console.WriteLine($"logits {StageShape.Format(output.Logits.shape)}");
    Console.WriteLine($"visual tokens in the stream: {c.VisualTokensInStream}, text: {c.TextTokens}, sequence: {c.TotalSequence}");
    Console.WriteLine($"fusion sources: {string.Join(", ", c.SourceTokens.Select(kv => $"{YamlNames.Of(kv.Key)} = {kv.Value} tokens"))}");
}

// ## Same video, other designs
//
// The stream length is what the LLM's self-attention pays for (quadratically). Here is the same 8-frame video for
// every architecture at `tiny`:

// [cell 16]
var streams = new ReportTable("LLM stream for 8 frames + 6 text tokens (tiny)", new[]
{
    new ReportColumn("stem", ColumnAlignment.Left), new ReportColumn("stream"), new ReportColumn("fusion sources", ColumnAlignment.Left),
});
foreach (var a in Zoo.Architectures)
{
    var c = a.Config("tiny");
    string sources = string.Join(", ", c.Sources.Select(s => $"{YamlNames.Of(s)} ({c.SourceTokens(s, frames)})"));
    streams.Add(a.Stem, (c.StreamTokens(frames) + textTokens).ToString(), sources);
}

display(TableWriters.Markdown(streams), "text/markdown");

// ## What to try next
//
// - Change `"crosslmm"` to `"llava-ov"`, `"slowfast"` or `"video-ccam"` in the build cell and compare the trees.
// - Trace the `small` preset (14×14 patches, 8 layers): `Zoo.Config("crosslmm", "small")` and `Zoo.Create("crosslmm", "small")`.
// - Look at `architectures/crosslmm.yaml` next to `architectures/pool-only.yaml`: the only difference is the
//   `fusion:` entry. Notebook 04 shows that with its gates at zero CrossLMM *is* pool-only.
// - Next: [02 · define a variant](02-define-a-variant.ipynb) writes a new architecture as YAML in a cell.
