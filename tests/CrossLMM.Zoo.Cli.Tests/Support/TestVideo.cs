using System;
using System.Diagnostics;
using System.IO;

namespace CrossLMM.Zoo.Cli.Tests.Support;

/// <summary>Short test videos made with ffmpeg's <c>testsrc</c> source (a moving pattern with a frame counter).</summary>
public static class TestVideo
{
    /// <summary>Writes a 1 s, 25 fps, 320×240 H.264/MPEG-4 video to <paramref name="path"/>.</summary>
    /// <param name="path">Output .mp4.</param>
    public static string Create(string path)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=1:size=320x240:rate=25", "-pix_fmt", "yuv420p", path })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(path))
        {
            throw new InvalidOperationException($"ffmpeg could not make the test video: {error}");
        }

        return path;
    }
}
