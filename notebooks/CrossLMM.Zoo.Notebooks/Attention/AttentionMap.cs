using System;
using System.Globalization;
using System.Linq;

namespace CrossLMM.Zoo.Notebooks.Attention;

/// <summary>
/// The attention weights of one DCAL branch in one forward pass: for each sample, head and query, a
/// distribution over the M = T·N original tokens (frame-major: frame t's N patches are contiguous).
/// <para>Shapes: B batch, h heads, Q queries (V2V: the pooled visual positions; T2V: the text positions),
/// M = T·N keys.</para>
/// </summary>
/// <param name="Layer">Decoder layer of the DCAL.</param>
/// <param name="Branch">V2V or T2V.</param>
/// <param name="Scope">Whether V2V queries saw all frames or their own.</param>
/// <param name="Shape">(B, h, Q, M).</param>
/// <param name="Weights">The weights, row-major over <paramref name="Shape"/>.</param>
/// <param name="Frames">T.</param>
/// <param name="TokensPerFrame">N.</param>
/// <param name="BlockDifference">Largest |weights·V − input of the block's o_proj| (null when not captured):
/// how exactly these weights are the ones the block used.</param>
public sealed record AttentionMap(
    int Layer,
    CrossAttentionBranch Branch,
    TokenScope Scope,
    int[] Shape,
    float[] Weights,
    int Frames,
    int TokensPerFrame,
    double? BlockDifference)
{
    /// <summary>B.</summary>
    public int Batch => Shape[0];

    /// <summary>h.</summary>
    public int Heads => Shape[1];

    /// <summary>Q.</summary>
    public int Queries => Shape[2];

    /// <summary>M = T·N.</summary>
    public int Keys => Shape[3];

    /// <summary>The weights of one query over the keys, averaged over heads (or one head), as (T, N).</summary>
    /// <param name="sample">Sample b.</param>
    /// <param name="query">Query index (negative counts from the end: −1 = the last text position).</param>
    /// <param name="head">One head, or null for the mean over heads.</param>
    public float[,] FramesByPatches(int sample, int query, int? head = null)
    {
        int q = query < 0 ? Queries + query : query;
        Check(sample, Batch, nameof(sample));
        Check(q, Queries, nameof(query));
        if (head is int h)
        {
            Check(h, Heads, nameof(head));
        }

        var result = new float[Frames, TokensPerFrame];
        int first = head ?? 0, last = head ?? Heads - 1;
        for (int hh = first; hh <= last; hh++)
        {
            long row = (((long)sample * Heads + hh) * Queries + q) * Keys;
            for (int t = 0; t < Frames; t++)
            {
                for (int n = 0; n < TokensPerFrame; n++)
                {
                    result[t, n] += Weights[row + (long)t * TokensPerFrame + n] / (last - first + 1);
                }
            }
        }

        return result;
    }

    /// <summary>Attention mass per frame of one query (heads averaged): sums to 1.</summary>
    /// <param name="sample">Sample b.</param>
    /// <param name="query">Query index (negative from the end).</param>
    public double[] PerFrame(int sample, int query)
    {
        var map = FramesByPatches(sample, query);
        return Enumerable.Range(0, Frames).Select(t => Enumerable.Range(0, TokensPerFrame).Sum(n => (double)map[t, n])).ToArray();
    }

    /// <summary>The (frame, patch) with the most attention of one query (heads averaged).</summary>
    /// <param name="sample">Sample b.</param>
    /// <param name="query">Query index (negative from the end).</param>
    public (int Frame, int Patch, double Weight) Peak(int sample, int query)
    {
        var map = FramesByPatches(sample, query);
        (int, int, double) best = (0, 0, double.MinValue);
        for (int t = 0; t < Frames; t++)
        {
            for (int n = 0; n < TokensPerFrame; n++)
            {
                if (map[t, n] > best.Item3)
                {
                    best = (t, n, map[t, n]);
                }
            }
        }

        return best;
    }

    /// <summary>
    /// Throws when the probe's weights do not reproduce the block's own attention output to within
    /// <paramref name="tolerance"/> (see <see cref="BlockDifference"/>).
    /// </summary>
    /// <param name="tolerance">Largest allowed absolute difference.</param>
    /// <returns>The difference.</returns>
    public double CheckAgainstBlock(double tolerance = 1e-4)
    {
        if (BlockDifference is not double difference)
        {
            throw new InvalidOperationException("the block's values and o_proj input were not captured");
        }

        if (!(difference <= tolerance))
        {
            throw new InvalidOperationException(
                $"layer {Layer} {YamlNames.Of(Branch)}: weights·V differs from the block's attention output by {difference.ToString("G3", CultureInfo.InvariantCulture)} (> {tolerance.ToString("G3", CultureInfo.InvariantCulture)})");
        }

        return difference;
    }

    private static void Check(int value, int count, string name)
    {
        if (value < 0 || value >= count)
        {
            throw new ArgumentOutOfRangeException(name, value, $"must be in [0, {count})");
        }
    }
}
