using System;
using System.Collections.Generic;

namespace CrossLMM.Zoo.Modules.Fusion;

/// <summary>
/// Splits a pass's sequence into its visual block [start, start + L_v) and the text around it, so that V2V
/// reads and writes only the visual positions and T2V / hybrid only the text positions — with the queries of
/// the other positions never computed (the cost model counts L_v and L_t queries, not S).
/// <para>Shapes: B batch, S positions, L_v visual, L_t = S − L_v text, C channels.</para>
/// </summary>
public static class StreamSegments
{
    /// <summary>The visual range of this pass within a stream (B, S, ·) (empty without fusion inputs).</summary>
    /// <param name="fusion">The pass's fusion inputs, or null.</param>
    /// <param name="stream">The stream (B, S, ·) the block must fit in; its shape is quoted when it does not.</param>
    /// <returns>(start, length) of the visual block.</returns>
    /// <exception cref="ArgumentException">The visual block does not fit in the sequence.</exception>
    public static (long Start, long Length) Visual(FusionInputs? fusion, Tensor stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Visual(fusion, stream.shape[1], $"the stream {Core.BlockChecks.Format(stream.shape)}");
    }

    /// <summary>The visual range of this pass, clamped to [0, S) (empty without fusion inputs).</summary>
    /// <param name="fusion">The pass's fusion inputs, or null.</param>
    /// <param name="length">S.</param>
    /// <returns>(start, length) of the visual block.</returns>
    /// <exception cref="ArgumentException">The visual block does not fit in the sequence.</exception>
    public static (long Start, long Length) Visual(FusionInputs? fusion, long length) => Visual(fusion, length, "a sequence");

    private static (long Start, long Length) Visual(FusionInputs? fusion, long length, string what)
    {
        if (fusion is null || fusion.VisualLength == 0)
        {
            return (0, 0);
        }

        if (fusion.VisualStart + fusion.VisualLength > length)
        {
            throw new ArgumentException(
                $"the visual block [{fusion.VisualStart}, {fusion.VisualStart + fusion.VisualLength}) does not fit in {what} of {length} positions",
                nameof(fusion));
        }

        return (fusion.VisualStart, fusion.VisualLength);
    }

    /// <summary>The text positions of x (along <paramref name="dim"/>), concatenated: (…, L_t, …); null when L_t = 0.</summary>
    /// <param name="x">A tensor whose dimension <paramref name="dim"/> runs over the S positions.</param>
    /// <param name="visual">The visual block.</param>
    /// <param name="dim">The position dimension.</param>
    /// <returns>A new tensor (the caller owns it), or null.</returns>
    public static Tensor? Text(Tensor x, (long Start, long Length) visual, long dim = 1)
    {
        long s = x.shape[dim];
        if (s - visual.Length == 0)
        {
            return null;
        }

        if (visual.Length == 0)
        {
            return x.alias();
        }

        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>(2);
        if (visual.Start > 0)
        {
            parts.Add(x.narrow(dim, 0, visual.Start));
        }

        long end = visual.Start + visual.Length;
        if (end < s)
        {
            parts.Add(x.narrow(dim, end, s - end));
        }

        return (parts.Count == 1 ? parts[0].alias() : torch.cat(parts, dim)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>x + update</c> on the positions the updates are for: <paramref name="visualUpdate"/> (B, L_v, C) on the
    /// visual block, <paramref name="textUpdate"/> (B, L_t, C) on the text around it; positions without an
    /// update keep their values bit for bit.
    /// </summary>
    /// <param name="x">(B, S, C).</param>
    /// <param name="visual">The visual block.</param>
    /// <param name="visualUpdate">(B, L_v, C), or null.</param>
    /// <param name="textUpdate">(B, L_t, C), or null.</param>
    /// <returns>(B, S, C); the caller owns it.</returns>
    public static Tensor AddInPlaces(Tensor x, (long Start, long Length) visual, Tensor? visualUpdate, Tensor? textUpdate)
    {
        using var scope = torch.NewDisposeScope();
        long s = x.shape[1];
        long end = visual.Start + visual.Length;
        var parts = new List<Tensor>(3);
        if (visual.Start > 0)
        {
            var before = x.narrow(1, 0, visual.Start);
            parts.Add(textUpdate is null ? before : before.add(textUpdate.narrow(1, 0, visual.Start)));
        }

        if (visual.Length > 0)
        {
            var block = x.narrow(1, visual.Start, visual.Length);
            parts.Add(visualUpdate is null ? block : block.add(visualUpdate));
        }

        if (end < s)
        {
            var after = x.narrow(1, end, s - end);
            parts.Add(textUpdate is null ? after : after.add(textUpdate.narrow(1, visual.Start, s - end)));
        }

        return (parts.Count == 1 ? parts[0].alias() : torch.cat(parts, 1)).MoveToOuterDisposeScope();
    }
}
