using System;
using System.Globalization;
using System.Linq;
using CrossLMM.Zoo.Tools.Charts;

namespace CrossLMM.Zoo.Notebooks.Charts;

/// <summary>
/// SVG pictures for the attention notebooks, drawn with the tools' <see cref="SvgBuilder"/>: a query's
/// attention over frames and patches (one small g×g grid per frame), a query × key matrix, and the frames of
/// a synthetic video. Colours are white → dark blue, scaled to the largest weight of the picture.
/// </summary>
public static class AttentionCharts
{
    private const double Cell = 18;

    /// <summary>
    /// One query's attention over the original tokens, as T small g×g grids (a frame each, left to right,
    /// wrapping after <paramref name="perRow"/>), each labelled with its share of the attention mass.
    /// </summary>
    /// <param name="map">(T, N) weights, N = g².</param>
    /// <param name="title">Title.</param>
    /// <param name="subtitle">A smaller line under the title.</param>
    /// <param name="highlight">A (frame, patch) to outline in red (e.g. where the marker is), or null.</param>
    /// <param name="perRow">Frames per row.</param>
    /// <param name="scaleMax">The weight drawn darkest (larger ones are clipped); null = the largest weight of the map.
    /// Give two maps the same value to compare them: with the default, a near-uniform map looks as dark as a sharp one.</param>
    public static string Frames(float[,] map, string title, string subtitle = "", (int Frame, int Patch)? highlight = null, int perRow = 8, double? scaleMax = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        int frames = map.GetLength(0), n = map.GetLength(1), g = (int)Math.Round(Math.Sqrt(n));
        if (g * g != n)
        {
            throw new ArgumentException($"a frame has {n} tokens, not a square grid", nameof(map));
        }

        perRow = Math.Max(1, Math.Min(perRow, frames));
        int rows = (frames + perRow - 1) / perRow;
        double tile = g * Cell, gap = 22, left = 20, top = subtitle.Length > 0 ? 70 : 52;
        double width = Math.Max(TextWidth(title, subtitle), left * 2 + perRow * tile + (perRow - 1) * gap);
        double height = top + rows * (tile + 40) + 30;
        double max = Math.Max(1e-12, scaleMax ?? Enumerable.Range(0, frames).SelectMany(t => Enumerable.Range(0, n).Select(i => (double)map[t, i])).Max());
        var svg = new SvgBuilder(width, height);
        Titles(svg, title, subtitle, left);
        for (int t = 0; t < frames; t++)
        {
            double x0 = left + (t % perRow) * (tile + gap), y0 = top + (t / perRow) * (tile + 40);
            double mass = 0;
            svg.Open("g", ("class", "frame"), ("data-frame", t.ToString(CultureInfo.InvariantCulture)));
            for (int i = 0; i < n; i++)
            {
                double w = map[t, i];
                mass += w;
                double x = x0 + (i % g) * Cell, y = y0 + (i / g) * Cell;
                svg.Open("rect", ("x", SvgBuilder.Num(x)), ("y", SvgBuilder.Num(y)), ("width", SvgBuilder.Num(Cell)), ("height", SvgBuilder.Num(Cell)),
                    ("fill", Blue(w / max)), ("stroke", "#ffffff"), ("stroke-width", "0.5"));
                svg.Text("title", $"frame {t}, patch {i}: {w.ToString("0.####", CultureInfo.InvariantCulture)}");
                svg.Close("rect");
            }

            if (highlight is { } h && h.Frame == t)
            {
                double x = x0 + (h.Patch % g) * Cell, y = y0 + (h.Patch / g) * Cell;
                svg.Element("rect", ("class", "highlight"), ("x", SvgBuilder.Num(x)), ("y", SvgBuilder.Num(y)), ("width", SvgBuilder.Num(Cell)), ("height", SvgBuilder.Num(Cell)),
                    ("fill", "none"), ("stroke", "#d62728"), ("stroke-width", "2.5"));
            }

            svg.Element("rect", ("x", SvgBuilder.Num(x0)), ("y", SvgBuilder.Num(y0)), ("width", SvgBuilder.Num(tile)), ("height", SvgBuilder.Num(tile)),
                ("fill", "none"), ("stroke", "#555555"), ("stroke-width", "1"));
            svg.Text("text", $"frame {t}", ("x", SvgBuilder.Num(x0 + tile / 2)), ("y", SvgBuilder.Num(y0 + tile + 14)), ("text-anchor", "middle"), ("font-size", "11"));
            svg.Text("text", mass.ToString("0%", CultureInfo.InvariantCulture), ("x", SvgBuilder.Num(x0 + tile / 2)), ("y", SvgBuilder.Num(y0 + tile + 28)),
                ("text-anchor", "middle"), ("font-size", "11"), ("fill", "#555555"));
            svg.Close("g");
        }

        Scale(svg, left, height - 10, max);
        return svg.Finish();
    }

    /// <summary>
    /// A query × key heatmap (e.g. V2V: the pooled visual queries against all T·N original tokens), with a
    /// separator every <paramref name="keysPerGroup"/> keys (one frame).
    /// </summary>
    /// <param name="matrix">(Q, M) weights.</param>
    /// <param name="title">Title.</param>
    /// <param name="subtitle">A smaller line under the title.</param>
    /// <param name="rowLabel">Label of row i.</param>
    /// <param name="keysPerGroup">Keys per frame N.</param>
    /// <param name="scaleMax">The weight drawn darkest; null = the largest weight of the matrix.</param>
    public static string Matrix(float[,] matrix, string title, string subtitle, Func<int, string> rowLabel, int keysPerGroup, double? scaleMax = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(rowLabel);
        int rows = matrix.GetLength(0), columns = matrix.GetLength(1);
        double cw = Math.Clamp(720.0 / columns, 2, 14), ch = 16, left = 90, top = subtitle.Length > 0 ? 70 : 52;
        double width = Math.Max(TextWidth(title, subtitle), left + columns * cw + 30), height = top + rows * ch + 58;
        double max = Math.Max(1e-12, scaleMax ?? Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(0, columns).Select(c => (double)matrix[r, c])).Max());
        var svg = new SvgBuilder(width, height);
        Titles(svg, title, subtitle, 20);
        for (int r = 0; r < rows; r++)
        {
            double y = top + r * ch;
            svg.Text("text", rowLabel(r), ("x", SvgBuilder.Num(left - 6)), ("y", SvgBuilder.Num(y + ch - 4)), ("text-anchor", "end"), ("font-size", "11"));
            for (int c = 0; c < columns; c++)
            {
                svg.Element("rect", ("x", SvgBuilder.Num(left + c * cw)), ("y", SvgBuilder.Num(y)), ("width", SvgBuilder.Num(cw)), ("height", SvgBuilder.Num(ch)),
                    ("fill", Blue(matrix[r, c] / max)));
            }
        }

        for (int c = 0; c <= columns; c += Math.Max(1, keysPerGroup))
        {
            double x = left + c * cw;
            svg.Element("line", ("x1", SvgBuilder.Num(x)), ("y1", SvgBuilder.Num(top)), ("x2", SvgBuilder.Num(x)), ("y2", SvgBuilder.Num(top + rows * ch)),
                ("stroke", "#888888"), ("stroke-width", "1"));
            if (c < columns)
            {
                svg.Text("text", $"f{c / Math.Max(1, keysPerGroup)}", ("x", SvgBuilder.Num(x + keysPerGroup * cw / 2)), ("y", SvgBuilder.Num(top + rows * ch + 14)),
                    ("text-anchor", "middle"), ("font-size", "10"), ("fill", "#555555"));
            }
        }

        svg.Text("text", "keys: original tokens, grouped by frame", ("x", SvgBuilder.Num(left)), ("y", SvgBuilder.Num(top + rows * ch + 30)), ("font-size", "11"), ("fill", "#333333"));
        Scale(svg, left, height - 10, max);
        return svg.Finish();
    }

    /// <summary>The frames of one sample of a synthetic video (pixel values in [−1, 1] shown as RGB).</summary>
    /// <param name="video">(B, T, 3, H, W) frames.</param>
    /// <param name="sample">Which sample.</param>
    /// <param name="title">Title.</param>
    /// <param name="scale">Screen pixels per image pixel.</param>
    public static string Video(Tensor video, int sample, string title, int scale = 3)
    {
        ArgumentNullException.ThrowIfNull(video);
        var shape = video.shape;
        if (shape.Length != 5 || shape[2] != 3)
        {
            throw new ArgumentException($"video has shape ({string.Join(", ", shape)}); expected (B, T, 3, H, W)", nameof(video));
        }

        int frames = (int)shape[1], h = (int)shape[3], w = (int)shape[4];
        float[] pixels;
        using (var one = video.select(0, sample).contiguous())
        {
            pixels = one.data<float>().ToArray();
        }

        double gap = 10, left = 20, top = 52, side = w * scale;
        var svg = new SvgBuilder(Math.Max(320, left * 2 + frames * (side + gap)), top + h * scale + 30);
        Titles(svg, title, string.Empty, left);
        for (int t = 0; t < frames; t++)
        {
            double x0 = left + t * (side + gap);
            svg.Open("g", ("class", "frame"), ("data-frame", t.ToString(CultureInfo.InvariantCulture)));
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    string colour = Rgb(pixels, t, y, x, h, w);
                    int run = 1;   // merge equal neighbours on a row: blocky frames stay small
                    while (x + run < w && Rgb(pixels, t, y, x + run, h, w) == colour)
                    {
                        run++;
                    }

                    svg.Element("rect", ("x", SvgBuilder.Num(x0 + x * scale)), ("y", SvgBuilder.Num(top + y * scale)), ("width", SvgBuilder.Num(run * scale)),
                        ("height", SvgBuilder.Num(scale)), ("fill", colour));
                    x += run - 1;
                }
            }

            svg.Text("text", $"frame {t}", ("x", SvgBuilder.Num(x0 + side / 2)), ("y", SvgBuilder.Num(top + h * scale + 16)), ("text-anchor", "middle"), ("font-size", "11"));
            svg.Close("g");
        }

        return svg.Finish();
    }

    // A width that fits the title (bold 16 px) and subtitle (12 px) in DejaVu Sans, approximately.
    private static double TextWidth(string title, string subtitle) => Math.Max(420, 40 + Math.Max(9.6 * title.Length, 6.9 * subtitle.Length));

    // A small colour bar: white at 0 to dark blue at max.
    private static void Scale(SvgBuilder svg, double left, double baseline, double max)
    {
        const int steps = 10;
        svg.Open("g", ("class", "colour-scale"));
        svg.Text("text", "0", ("x", SvgBuilder.Num(left)), ("y", SvgBuilder.Num(baseline)), ("font-size", "10"), ("fill", "#555555"));
        for (int i = 0; i < steps; i++)
        {
            svg.Element("rect", ("x", SvgBuilder.Num(left + 12 + i * 12)), ("y", SvgBuilder.Num(baseline - 9)), ("width", "12"), ("height", "10"), ("fill", Blue(i / (steps - 1.0))));
        }

        svg.Text("text", $"{max.ToString("0.###", CultureInfo.InvariantCulture)} and above", ("x", SvgBuilder.Num(left + 16 + steps * 12)), ("y", SvgBuilder.Num(baseline)), ("font-size", "10"), ("fill", "#555555"));
        svg.Close("g");
    }

    private static void Titles(SvgBuilder svg, string title, string subtitle, double left)
    {
        svg.Text("text", title, ("class", "title"), ("x", SvgBuilder.Num(left)), ("y", "28"), ("font-size", "16"), ("font-weight", "bold"), ("fill", "#111111"));
        if (subtitle.Length > 0)
        {
            svg.Text("text", subtitle, ("class", "subtitle"), ("x", SvgBuilder.Num(left)), ("y", "48"), ("font-size", "12"), ("fill", "#555555"));
        }
    }

    // 0 → white, 1 → dark blue (#08306b), linear in RGB.
    private static string Blue(double v)
    {
        v = Math.Clamp(double.IsFinite(v) ? v : 0, 0, 1);
        int r = (int)Math.Round(255 + (8 - 255) * v), g = (int)Math.Round(255 + (48 - 255) * v), b = (int)Math.Round(255 + (107 - 255) * v);
        return $"#{r:x2}{g:x2}{b:x2}";
    }

    private static string Rgb(float[] pixels, int t, int y, int x, int h, int w)
    {
        long plane = (long)h * w, frame = 3 * plane * t;
        int Channel(int c) => (int)Math.Round(Math.Clamp((pixels[frame + c * plane + (long)y * w + x] + 1) / 2, 0, 1) * 255);
        return $"#{Channel(0):x2}{Channel(1):x2}{Channel(2):x2}";
    }
}
