using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules;

namespace CrossLMM.Zoo.Tools.Training.Data;

/// <summary>One batch of <see cref="MarkerVideoTask"/>: the model input and the answers.</summary>
/// <param name="Input">Frames (B, T, C, H, W) and the question ids (B, L).</param>
/// <param name="Answers">(B) int64: the marker's colour, 0 … colours − 1.</param>
/// <param name="MarkerFrames">Frame of the marker in each sample.</param>
/// <param name="MarkerPatches">Patch (row-major index in the patch grid) of the marker in each sample.</param>
public sealed record MarkerBatch(VideoLmmInput Input, Tensor Answers, IReadOnlyList<int> MarkerFrames, IReadOnlyList<int> MarkerPatches) : IDisposable
{
    /// <summary>Batch size B.</summary>
    public int Size => MarkerFrames.Count;

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Input.Video.Dispose();
        Input.InputIds.Dispose();
        Answers.Dispose();
    }
}

/// <summary>A <see cref="MarkerBatch"/> as plain arrays (drawn on any thread; see <see cref="MarkerVideoTask.SampleArrays"/>).</summary>
/// <param name="Pixels">Frames, row-major (B, T, 3, H, W).</param>
/// <param name="VideoShape">(B, T, 3, H, W).</param>
/// <param name="Ids">Question ids, row-major (B, L).</param>
/// <param name="QuestionLength">L.</param>
/// <param name="Answers">The marker's colour per sample.</param>
/// <param name="MarkerFrames">Frame of the marker per sample.</param>
/// <param name="MarkerPatches">Patch of the marker per sample.</param>
public sealed record MarkerSample(float[] Pixels, long[] VideoShape, long[] Ids, int QuestionLength, long[] Answers, int[] MarkerFrames, int[] MarkerPatches)
{
    /// <summary>The batch as tensors (the caller disposes it).</summary>
    public MarkerBatch ToTensors()
    {
        var video = torch.tensor(Pixels, VideoShape);                                         // [B, T, C, H, W]
        var inputIds = torch.tensor(Ids, new long[] { Answers.Length, QuestionLength });      // [B, L]
        var target = torch.tensor(Answers, new long[] { Answers.Length });                    // [B]
        return new MarkerBatch(new VideoLmmInput(video, inputIds), target, MarkerFrames, MarkerPatches);
    }
}

/// <summary>
/// A synthetic "find the detail" video task for tiny models. Every frame is a mosaic of randomly coloured
/// square blocks (the clutter); in exactly one frame, one block is replaced by a saturated marker of one of
/// <see cref="Colours"/> colours. The question is always "what colour is the marker?"; the answer is read
/// from the logits of <see cref="AnswerTokens"/> at the last position.
/// <para>Why it separates pooling from cross-attention: a marker block covers 1/<see cref="BlocksPerFrame"/> of
/// its frame. Averaging a frame to one token dilutes it by that factor while the clutter's colour does not
/// average away completely, so the pooled tokens carry a weak signal; the original patch tokens carry it at
/// full strength, and a text query can attend straight to the one patch that holds it.</para>
/// <para>Shapes: B batch, T frames, C = 3 channels, H = W = image side.</para>
/// </summary>
public class MarkerVideoTask
{
    private static readonly float[][] Palette =
    {
        new[] { 1f, -1f, -1f },   // red
        new[] { -1f, 1f, -1f },   // green
        new[] { -1f, -1f, 1f },   // blue
        new[] { 1f, 1f, -1f },    // yellow
        new[] { 1f, -1f, 1f },    // magenta
        new[] { -1f, 1f, 1f },    // cyan
    };

    private static readonly string[] PaletteNames = { "red", "green", "blue", "yellow", "magenta", "cyan" };

    /// <summary>Creates the task.</summary>
    /// <param name="config">The architecture it feeds (frames are sized from its vision preset: image, patch, channels = 3).</param>
    /// <param name="frames">Frames T per video, ≥ 1.</param>
    /// <param name="block">Side of a clutter block and of the marker, in pixels; must divide the patch size.</param>
    /// <param name="colours">Marker colours (answers), 2 … 6.</param>
    /// <param name="clutter">Standard deviation of the clutter's per-block colour (the marker has amplitude 1).</param>
    /// <param name="questionLength">Text tokens of the question, ≥ 1.</param>
    /// <exception cref="ArgumentException">A size that does not fit the architecture.</exception>
    public MarkerVideoTask(ArchitectureConfig config, int frames = 8, int block = 4, int colours = 4, double clutter = 0.5, int questionLength = 4)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Vision.Kind != VisionKind.Vit || config.Vision.Channels != 3)
        {
            throw new ArgumentException($"the marker task draws RGB frames for a ViT; {config.Stem} has vision {YamlNames.Of(config.Vision.Kind)} with {config.Vision.Channels} channels", nameof(config));
        }

        if (frames < 1)
        {
            throw new ArgumentException($"frames ({frames}) must be ≥ 1", nameof(frames));
        }

        if (block < 1 || config.Vision.Patch % block != 0)
        {
            throw new ArgumentException($"block ({block}) must divide the patch size ({config.Vision.Patch})", nameof(block));
        }

        if (colours < 2 || colours > Palette.Length)
        {
            throw new ArgumentException($"colours ({colours}) must be in 2 … {Palette.Length}", nameof(colours));
        }

        if (questionLength < 1)
        {
            throw new ArgumentException($"questionLength ({questionLength}) must be ≥ 1", nameof(questionLength));
        }

        if (config.Llm.Vocab < questionLength + colours + 1)
        {
            throw new ArgumentException($"the vocabulary ({config.Llm.Vocab}) is too small for {questionLength} question and {colours} answer tokens", nameof(config));
        }

        Frames = frames;
        Block = block;
        Colours = colours;
        Clutter = clutter;
        Image = config.Vision.Image;
        Patch = config.Vision.Patch;
        Question = Enumerable.Range(1, questionLength).Select(i => (long)i).ToArray();
        AnswerTokens = Enumerable.Range(questionLength + 1, colours).Select(i => (long)i).ToArray();
    }

    /// <summary>Frames T per video.</summary>
    public int Frames { get; }

    /// <summary>Block (and marker) side in pixels.</summary>
    public int Block { get; }

    /// <summary>Number of marker colours (answers).</summary>
    public int Colours { get; }

    /// <summary>Clutter colour standard deviation.</summary>
    public double Clutter { get; }

    /// <summary>Frame side in pixels.</summary>
    public int Image { get; }

    /// <summary>Patch side in pixels.</summary>
    public int Patch { get; }

    /// <summary>Patch grid side g = image / patch.</summary>
    public int PatchGrid => Image / Patch;

    /// <summary>Blocks per frame: the marker's share of its frame is 1 / this.</summary>
    public int BlocksPerFrame => (Image / Block) * (Image / Block);

    /// <summary>The question's token ids (the same for every sample).</summary>
    public IReadOnlyList<long> Question { get; }

    /// <summary>The answer token of each colour.</summary>
    public IReadOnlyList<long> AnswerTokens { get; }

    /// <summary>Colour names, one per answer.</summary>
    public IReadOnlyList<string> ColourNames => PaletteNames.Take(Colours).ToArray();

    /// <summary>A batch drawn from <paramref name="random"/> (a seeded <see cref="Random"/> gives the same batch every run).</summary>
    /// <param name="batch">B ≥ 1.</param>
    /// <param name="random">The source of randomness.</param>
    public MarkerBatch Sample(int batch, Random random) => SampleArrays(batch, random).ToTensors();

    /// <summary>
    /// The same batch as <see cref="Sample"/> as plain arrays: no tensor is created, so a background thread can draw the
    /// next batch while the training thread runs the current one (TorchSharp's tensors stay on the training thread).
    /// </summary>
    /// <param name="batch">B ≥ 1.</param>
    /// <param name="random">The source of randomness.</param>
    public MarkerSample SampleArrays(int batch, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (batch < 1)
        {
            throw new ArgumentException($"batch ({batch}) must be ≥ 1", nameof(batch));
        }

        int side = Image, blocks = side / Block, perPatch = Patch / Block;
        var pixels = new float[(long)batch * Frames * 3 * side * side];
        var answers = new long[batch];
        var markerFrames = new int[batch];
        var markerPatches = new int[batch];
        var ids = new long[batch * Question.Count];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < Frames; t++)
            {
                for (int by = 0; by < blocks; by++)
                {
                    for (int bx = 0; bx < blocks; bx++)
                    {
                        for (int c = 0; c < 3; c++)
                        {
                            FillBlock(pixels, b, t, c, by, bx, (float)(Clutter * Gaussian(random)));
                        }
                    }
                }
            }

            int colour = random.Next(Colours), frame = random.Next(Frames), my = random.Next(blocks), mx = random.Next(blocks);
            for (int c = 0; c < 3; c++)
            {
                FillBlock(pixels, b, frame, c, my, mx, Palette[colour][c]);
            }

            answers[b] = colour;
            markerFrames[b] = frame;
            markerPatches[b] = (my / perPatch) * PatchGrid + (mx / perPatch);
            for (int i = 0; i < Question.Count; i++)
            {
                ids[b * Question.Count + i] = Question[i];
            }
        }

        return new MarkerSample(pixels, new long[] { batch, Frames, 3, side, side }, ids, Question.Count, answers, markerFrames, markerPatches);
    }

    /// <summary>The answer logits (B, colours) at the last position of the model's output logits (B, S, V).</summary>
    /// <param name="logits">Output of <see cref="VideoLmm"/>.</param>
    /// <returns>A new tensor; the caller owns it.</returns>
    public Tensor AnswerLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        using var scope = torch.NewDisposeScope();
        long s = logits.shape[1];
        using var index = torch.tensor(AnswerTokens.ToArray(), new long[] { AnswerTokens.Count });
        return logits.select(1, s - 1).index_select(1, index).MoveToOuterDisposeScope();   // [B, colours]
    }

    private void FillBlock(float[] pixels, int b, int t, int c, int by, int bx, float value)
    {
        int side = Image;
        long plane = (((long)b * Frames + t) * 3 + c) * side * side;
        for (int y = by * Block; y < (by + 1) * Block; y++)
        {
            long row = plane + (long)y * side;
            for (int x = bx * Block; x < (bx + 1) * Block; x++)
            {
                pixels[row + x] = value;
            }
        }
    }

    private static double Gaussian(Random random)
    {
        // Box–Muller: deterministic for a seeded Random on every platform.
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
