using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace CrossLMM.Zoo.Tools.Video;

/// <summary>
/// Reads video frames through the ffmpeg command-line tools (Debian package <c>ffmpeg</c>): <c>ffprobe</c> for
/// the duration and frame count, then one <c>ffmpeg</c> process that selects T frames spread uniformly over
/// the video (the centre of each of T equal segments), scales them to the encoder's square size and writes
/// raw RGB24 to a pipe. <see cref="ToTensor"/> normalises them the SigLIP way, (x/255 − 0.5)/0.5.
/// </summary>
public static class FfmpegFrameReader
{
    /// <summary>Probes a video with ffprobe.</summary>
    /// <param name="path">The video file.</param>
    /// <exception cref="ZooUserException">Missing file, no ffprobe, or not a video.</exception>
    public static VideoProbe Probe(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ZooUserException($"video not found: '{path}'");
        }

        var (code, stdout, stderr) = Execute("ffprobe", new[]
        {
            "-v", "error", "-select_streams", "v:0", "-count_packets",
            "-show_entries", "stream=width,height,nb_read_packets,nb_frames,avg_frame_rate,duration:format=duration",
            "-of", "json", InputUrl(path),
        });
        if (code != 0)
        {
            throw new ZooUserException($"ffprobe cannot read '{path}': {FirstLine(Encoding.UTF8.GetString(stderr))}");
        }

        using var doc = JsonDocument.Parse(stdout);
        var streams = doc.RootElement.TryGetProperty("streams", out var s) ? s : default;
        if (streams.ValueKind != JsonValueKind.Array || streams.GetArrayLength() == 0)
        {
            throw new ZooUserException($"'{path}' has no video stream");
        }

        var stream = streams[0];
        int width = Int(stream, "width") ?? 0, height = Int(stream, "height") ?? 0;
        double rate = Rate(stream.TryGetProperty("avg_frame_rate", out var r) ? r.GetString() : null);
        double duration = Double(stream, "duration")
            ?? (doc.RootElement.TryGetProperty("format", out var format) ? Double(format, "duration") : null)
            ?? 0;
        int frames = Int(stream, "nb_read_packets") ?? Int(stream, "nb_frames") ?? (int)Math.Round(duration * rate);
        if (frames < 1 || width < 1 || height < 1)
        {
            throw new ZooUserException($"'{path}': ffprobe found no frames (frames {frames}, size {width}x{height})");
        }

        return new VideoProbe(path, duration, frames, width, height, rate);
    }

    /// <summary>
    /// The source frame of each of <paramref name="frames"/> samples spread uniformly over
    /// <paramref name="frameCount"/> frames: sample i takes frame ⌊(i + ½)·N/T⌋ (segment centres). With
    /// T &gt; N some frames repeat.
    /// </summary>
    /// <param name="frameCount">N ≥ 1.</param>
    /// <param name="frames">T ≥ 1.</param>
    public static int[] SampleIndices(int frameCount, int frames)
    {
        if (frameCount < 1 || frames < 1)
        {
            throw new ArgumentOutOfRangeException(frameCount < 1 ? nameof(frameCount) : nameof(frames), "frame counts must be ≥ 1");
        }

        return Enumerable.Range(0, frames).Select(i => Math.Min(frameCount - 1, (int)Math.Floor((i + 0.5) * frameCount / frames))).ToArray();
    }

    /// <summary>Decodes <paramref name="frames"/> uniformly sampled frames resized to <paramref name="size"/>×<paramref name="size"/> RGB.</summary>
    /// <param name="path">The video.</param>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="size">The encoder's image size (vision.image).</param>
    /// <exception cref="ZooUserException">ffmpeg is missing or fails.</exception>
    public static DecodedFrames Read(string path, int frames, int size)
    {
        if (frames < 1)
        {
            throw new ZooUserException($"frames ({frames}) must be ≥ 1");
        }

        if (size < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "size must be ≥ 1");
        }

        var probe = Probe(path);
        var indices = SampleIndices(probe.FrameCount, frames);
        var unique = indices.Distinct().OrderBy(i => i).ToArray();
        string select = string.Join("+", unique.Select(i => $"eq(n\\,{i.ToString(CultureInfo.InvariantCulture)})"));
        string filter = $"select='{select}',scale={size}:{size}:flags=bicubic";
        var (code, stdout, stderr) = Execute("ffmpeg", new[]
        {
            "-v", "error", "-nostdin", "-i", InputUrl(path), "-vf", filter, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
        });
        if (code != 0)
        {
            throw new ZooUserException($"ffmpeg cannot decode '{path}': {FirstLine(Encoding.UTF8.GetString(stderr))}");
        }

        int frameBytes = size * size * 3;
        int decoded = stdout.Length / frameBytes;
        if (decoded == 0)
        {
            throw new ZooUserException($"ffmpeg decoded no frames from '{path}'");
        }

        // The packet count can exceed the decodable frames by a few (e.g. trailing packets): map the missing
        // selections to the last frame that was decoded.
        var byIndex = new Dictionary<int, byte[]>();
        for (int k = 0; k < unique.Length; k++)
        {
            int source = Math.Min(k, decoded - 1);
            byIndex[unique[k]] = stdout.AsSpan(source * frameBytes, frameBytes).ToArray();
        }

        return new DecodedFrames(probe, indices, size, indices.Select(i => byIndex[i]).ToArray());
    }

    /// <summary>The frames as a (T, 3, S, S) float tensor normalised to [−1, 1] ((x/255 − 0.5)/0.5, SigLIP's preprocessing).</summary>
    /// <param name="frames">Decoded frames.</param>
    public static Tensor ToTensor(DecodedFrames frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        int t = frames.Rgb.Length, s = frames.Size, plane = s * s;
        var data = new float[t * 3 * plane];
        for (int f = 0; f < t; f++)
        {
            var rgb = frames.Rgb[f];
            for (int p = 0; p < plane; p++)
            {
                for (int c = 0; c < 3; c++)
                {
                    data[((f * 3) + c) * plane + p] = (rgb[p * 3 + c] / 255f - 0.5f) / 0.5f;   // HWC → CHW
                }
            }
        }

        return torch.tensor(data, new long[] { t, 3, s, s });   // [T, 3, S, S]
    }

    /// <summary>
    /// The path as ffmpeg/ffprobe must see it: absolute and behind the <c>file:</c> protocol, so that a name beginning
    /// with '-' (a file called <c>-report</c>) is never read as an option and a name with a colon never as a protocol.
    /// </summary>
    /// <param name="path">A path the user gave.</param>
    internal static string InputUrl(string path) => "file:" + Path.GetFullPath(path);

    /// <summary>Runs a tool and returns its exit code, stdout bytes and stderr bytes.</summary>
    private static (int Code, byte[] Stdout, byte[] Stderr) Execute(string tool, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new ZooUserException($"{tool} could not be started");
        }
        catch (Win32Exception e)
        {
            throw new ZooUserException($"{tool} not found ({e.Message}); install the Debian package ffmpeg (sudo apt-get install ffmpeg)", e);
        }

        using (process)
        {
            using var stdout = new MemoryStream();
            using var stderr = new MemoryStream();
            var readOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            var readErr = process.StandardError.BaseStream.CopyToAsync(stderr);
            Task.WaitAll(readOut, readErr);
            process.WaitForExit();
            return (process.ExitCode, stdout.ToArray(), stderr.ToArray());
        }
    }

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.Number ? v.GetInt32()
            : v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i : null
            : null;

    private static double? Double(JsonElement element, string name) =>
        element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String &&
        double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : null;

    private static double Rate(string? fraction)
    {
        if (string.IsNullOrEmpty(fraction))
        {
            return 0;
        }

        var parts = fraction.Split('/');
        return parts.Length == 2 &&
               double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) &&
               double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d != 0
            ? n / d
            : double.TryParse(fraction, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x : 0;
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(line) ? "(no message)" : line;
    }
}
