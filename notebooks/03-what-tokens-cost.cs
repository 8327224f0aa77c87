#:project runner/CrossLMM.Zoo.Notebooks/CrossLMM.Zoo.Notebooks.csproj
#:property PublishAot=false
#:property Nullable=disable
// Generated from notebooks/03-what-tokens-cost.ipynb by the notebook runner - do not edit; edit the notebook and re-export:
//   dotnet run --project notebooks/runner/CrossLMM.Zoo.Notebooks.Cli -- export notebooks/03-what-tokens-cost.ipynb
// Run: dotnet run notebooks/03-what-tokens-cost.cs

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using static CrossLMM.Zoo.Notebooks.NotebookKernel;
using CrossLMM.Zoo;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Tools.Charts;
using CrossLMM.Zoo.Tools.Cost;
using CrossLMM.Zoo.Tools.Tables;

CrossLMM.Zoo.Notebooks.NotebookKernel.StartConsole("03-what-tokens-cost");

// # 03 · What tokens cost
//
// **What you will learn**
//
// - how the zoo's analytic cost model counts a prefill (FLOPs per component, KV-cache bytes, tokens in the LLM),
//   and why you can trust it: tests hold it equal to an instrumented count of the matmuls the real model runs;
// - how every architecture in the zoo scales from 32 to 1024 frames at paper scale (the `7b` preset: SigLIP
//   so400m-384 with 27×27 = 729 tokens per frame, Qwen2.5-7B), as charts;
// - why CrossLMM — pooling before the LLM plus cross-attention to the original tokens — grows *almost* linearly
//   where full tokens grow quadratically, and where the numbers say "almost".
//
// Nothing is allocated: a 7B estimate is arithmetic on the configuration.

// [cell 2]

// ## The sweep
//
// One `CostReport` per architecture and frame count: 64 text tokens (the question), batch 1, keys/values in
// bf16, the LM head charged for the last position (what a prefill for generation needs). `docs/cost-model.md`
// lists every formula.

// [cell 4]
int[] frames = { 32, 64, 128, 256, 512, 1024 };
const int question = 64;
var reports = CostSweep.Run(Zoo.Architectures.Select(a => a.Config("7b")), frames, question);
Console.WriteLine(CostTable.Conventions(reports[0]));
Console.WriteLine($"{reports.Count} estimates: {Zoo.Architectures.Count} architectures × {frames.Length} frame counts");

// ## Tokens in the LLM
//
// The LLM's self-attention pays for every position of its stream, so the first question is how many tokens each
// design puts there. Log scales on both axes: a straight line of slope 1 is linear growth.

// [cell 6]
display(CostOutputs.Chart(reports, CostMetric.Tokens).ToSvg(), "image/svg+xml");

// Three families appear:
//
// - **linear in T, large slope**: full tokens (729 per frame), LLaVA-OneVision (196), Q-Former (32), CrossLMM-16tok;
// - **linear in T, small slope**: CrossLMM (9 per frame), pool-only, LLaMA-VID (2), CrossLMM-1tok (1), Slow-Fast's
//   fast tokens;
// - **constant**: Video-CCAM (its 1024 queries read the whole video), Flamingo (nothing in the stream: the
//   Perceiver's 64 latents enter through gated cross-attention).
//
// ## Prefill FLOPs

// [cell 8]
display(CostOutputs.Chart(reports, CostMetric.Flops).ToSvg(), "image/svg+xml");
var at256 = reports.Where(r => r.Frames == 256).ToArray();
display(TableWriters.Markdown(CostOutputs.Table(at256)), "text/markdown");

// ## Why pooling + cross-attention grows almost linearly
//
// For a compressor with n stream tokens per frame, the stream has S = n·T + L_t positions and a fusion source
// has M = m·T tokens (m = N = 729 for `original`). Every term of the prefill is a product of at most two factors
// that grow with T, so the cost is **exactly** a quadratic
//
//   F(T) = a·T² + b·T + c.
//
// A term is quadratic only when *both* its factors grow with T:
//
// | term | quadratic part |
// |---|---|
// | self-attention scores, 4·S²·H per layer | 4·H·n²·T² |
// | V2V scores with `scope: global`, 4·L_v·M·H per DCAL | 4·H·n·m·T² |
// | gated cross-attention with visual queries, 4·S·M·H | 4·H·n·m·T² |
//
// Everything else — the ViT (attention inside a frame), every projection and MLP, the fusion K/V projections,
// T2V (its queries are the L_t text tokens) — is linear in T. So
//
//   a = 4·H·( ℓ·n² + Σ_{V2V layers} n·m ),
//
// and the cost is near-linear while T is below **T\* = b / a**, where the linear term still dominates. Full tokens
// have n = N = 729 in the stream: a ∝ ℓ·N². CrossLMM replaces ℓ·N² by ℓ·n² + K·n·N (n = 9, K = 7 DCALs): a few
// hundred times smaller. But not zero — **CrossLMM's V2V *is* quadratic in T**, with a small coefficient: each
// of the T·9 pooled queries reads all T·729 original tokens.
//
// Since F is an exact quadratic, three frame counts give a, b and c exactly. Let's read them off the model:

// [cell 10]
// Exact quadratic through (256, F), (512, F), (1024, F): solve for a, b, c.
(double A, double B, double C) Quadratic(string stem)
{
    var f = reports.Where(r => r.Stem == stem).ToDictionary(r => r.Frames, r => (double)r.Prefill.Total);
    double t1 = 256, t2 = 512, t3 = 1024, f1 = f[256], f2 = f[512], f3 = f[1024];
    double a = ((f3 - f2) / (t3 - t2) - (f2 - f1) / (t2 - t1)) / (t3 - t1);
    double b = (f2 - f1) / (t2 - t1) - a * (t1 + t2);
    return (a, b, f1 - a * t1 * t1 - b * t1);
}

var growth = new ReportTable("Prefill F(T) = a·T² + b·T + c at 7b, and where the quadratic takes over", new[]
{
    new ReportColumn("architecture", ColumnAlignment.Left), new ReportColumn("a (GFLOPs per T²)"), new ReportColumn("b (TFLOPs per frame)"),
    new ReportColumn("T* = b / a"), new ReportColumn("×, 128 → 256"), new ReportColumn("×, 512 → 1024"),
});
foreach (var stem in new[] { "full-tokens", "llava-ov", "qformer", "crosslmm-16tok", "crosslmm", "crosslmm-v2v", "crosslmm-t2v", "crosslmm-1tok", "pool-only" })
{
    var (a, b, _) = Quadratic(stem);
    var f = reports.Where(r => r.Stem == stem).ToDictionary(r => r.Frames, r => (double)r.Prefill.Total);
    growth.Add(stem, (a / 1e9).ToString("F3"), (b / 1e12).ToString("F3"), a > 0 ? (b / a).ToString("N0") : "∞",
        (f[256] / f[128]).ToString("F2"), (f[1024] / f[512]).ToString("F2"));
}

growth.Notes.Add("Doubling T multiplies a linear cost by 2 and a quadratic one by 4.");
display(TableWriters.Markdown(growth), "text/markdown");

// How to read it:
//
// - **Full tokens** turn quadratic after a few dozen frames, **LLaVA-OV** after about two hundred: doubling the
//   video from 512 to 1024 frames multiplies their prefill by more than 3.
// - **CrossLMM's** quadratic coefficient is about 22× below LLaVA-OV's and 300× below full tokens', so the linear
//   term dominates up to T\* ≈ 1,300 frames: ×2.17 from 128 to 256 frames. It is *near*-linear, not linear: ×2.55
//   from 512 to 1024. That excess is the V2V term — compare `crosslmm-v2v` and `crosslmm-t2v`: V2V alone carries
//   all of CrossLMM's quadratic coefficient beyond pool-only's, while T2V alone stays linear to about 27,000 frames.
// - **Pool-only** shows the floor: with 9 tokens per frame and no fusion, what is left is the ViT
//   (0.67 TFLOPs per frame at 7b) and a tiny self-attention term.
//
// Another way to see the same thing: cost *per frame*. A linear design is a flat line; a quadratic one rises.

// [cell 12]
var perFrame = new[] { "full-tokens", "llava-ov", "crosslmm", "crosslmm-t2v", "pool-only" }
    .Select(stem => ChartSeries.Of(stem,
        reports.Where(r => r.Stem == stem).Select(r => ((double)r.Frames, r.Prefill.Total / 1e12 / r.Frames)),
        emphasized: stem == "crosslmm"))
    .ToArray();
var chart = new LineChart
{
    Series = perFrame,
    Title = "Prefill TFLOPs per frame (7b preset)",
    Subtitle = "flat = linear in frames; rising = the quadratic term; 64 text tokens",
    XLabel = "frames",
    YLabel = "TFLOPs per frame",
    YScale = ScaleKind.Log,
};
display(chart.ToSvg(), "image/svg+xml");

// ## KV-cache memory
//
// After the prefill, a decoder keeps the keys and values of every stream position (2 · layers · kv width per
// position), and fusion blocks keep the keys/values of their source that later decode steps read. For CrossLMM
// that is T2V's keys/values of all T·729 original tokens on each of its 7 DCAL layers (V2V keeps none: a decode
// step has no visual query).

// [cell 14]
display(CostOutputs.Chart(reports, CostMetric.Kv).ToSvg(), "image/svg+xml");
foreach (var stem in new[] { "crosslmm", "crosslmm-t2v", "pool-only", "llava-ov", "full-tokens" })
{
    var r = at256.Single(x => x.Stem == stem);
    Console.WriteLine($"{stem,-14} at 256 frames: stream {Units.Gibibytes(r.Memory.SelfAttentionBytes)} GiB + fusion {Units.Gibibytes(r.Memory.FusionBytes)} GiB = {Units.Gibibytes(r.Memory.KvCacheBytes)} GiB");
}

// Be honest about this one: CrossLMM's *stream* cache is tiny (21× smaller than LLaVA-OV's at 256 frames), but
// the cached T2V keys/values of the original tokens are linear in T·N and of the same order as LLaVA-OV's whole
// cache. In this implementation CrossLMM's decode-time KV memory is **about LLaVA-OV's, not smaller**. The
// paper's memory figure is more likely peak prefill memory, which this model does not count.
//
// ## Where the FLOPs go at 256 frames

// [cell 16]
var stages = new[] { CostStage.Visual, CostStage.Language, CostStage.Fusion };
var bars = new BarChart
{
    Categories = at256.Where(r => r.Stem != "full-tokens")
        .Select(r => new BarCategory(r.Stem, stages.Select(s => (double?)(r.Prefill.ByStage(s) / 1e12)).ToArray()))
        .ToArray(),
    Groups = new[] { "visual", "language model", "fusion" },
    Title = "Prefill TFLOPs by stage at 256 frames (7b)",
    Subtitle = "visual = ViT, compressor and projectors; full tokens left out (16,603 TFLOPs, almost all in the LLM) to keep the scale readable",
    ValueLabel = "TFLOPs",
};
display(bars.ToSvg(), "image/svg+xml");

// At 256 frames the ViT (171 of 281 TFLOPs) is most of CrossLMM's bill. The LLM's own layers are small (33 TFLOPs)
// because the stream is short, and the fusion blocks cost about twice that (71: K/V projections 19,
// cross-attention 45, FFNs 7). Pooling moved the cost out of the LLM; cross-attention brought a fraction of it
// back — compare LLaVA-OV, whose LLM alone needs 1,670 TFLOPs at 256 frames.
//
// ## What to try next
//
// - Run the sweep at `2b` (Qwen2.5-1.5B) and compare T\* with the 7b table.
// - Change the question length: `CostSweep.Run(..., textTokens: 1024)` makes T2V (linear in L_t·T) matter more.
// - `new CostOptions { GeneratedTokens = 256 }` adds the decode steps (`report.Decode`), where the KV cache is read.
// - Bind your own variant (notebook 02) at `7b` and add it to `reports`.
// - The `zoo cost` command prints the same tables and writes the charts: `./zoo.sh cost all --frames 32,256,1024`.
// - Next: [04 · inside the cross-attention](04-inside-the-cross-attention.ipynb).
