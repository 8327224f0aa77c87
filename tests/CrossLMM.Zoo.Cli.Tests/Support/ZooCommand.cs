using System;
using System.IO;
using System.Linq;

namespace CrossLMM.Zoo.Cli.Tests.Support;

/// <summary>What one in-process invocation of <c>zoo</c> printed.</summary>
/// <param name="Code">Exit code.</param>
/// <param name="Out">Standard output.</param>
/// <param name="Err">Standard error.</param>
public sealed record CliResult(int Code, string Out, string Err)
{
    /// <summary>Standard output lines.</summary>
    public string[] Lines => Out.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>Asserts a failure reported as exactly one line on standard error and nothing on standard output.</summary>
    /// <param name="code">Expected exit code.</param>
    /// <param name="contains">Text the line must contain.</param>
    public string AssertOneLineError(int code, string contains)
    {
        Assert.Equal(code, Code);
        string line = Err.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.Contains(contains, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);   // no stack trace
        return line;
    }
}

/// <summary>Runs the <c>zoo</c> command in process with captured writers.</summary>
public static class ZooCommand
{
    /// <summary>Runs <c>zoo args…</c>.</summary>
    /// <param name="args">Arguments.</param>
    public static CliResult Run(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        int code = ZooCli.Run(args, output, error, width: 250);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

/// <summary>A temporary folder deleted at dispose.</summary>
public sealed class TempDir : IDisposable
{
    /// <summary>Creates it.</summary>
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "zoo-cli-tests-" + Guid.NewGuid().ToString("N")));

    /// <summary>Its path.</summary>
    public string Path { get; }

    /// <summary>A path inside it.</summary>
    /// <param name="name">File name.</param>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a file inside it and returns its path.</summary>
    /// <param name="name">File name.</param>
    /// <param name="text">Content.</param>
    public string Write(string name, string text)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>This machine's memory.</summary>
public static class Memory
{
    /// <summary>MemAvailable from /proc/meminfo (long.MaxValue where unknown).</summary>
    public static long AvailableBytes
    {
        get
        {
            try
            {
                var line = System.IO.File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
            {
                return long.MaxValue;
            }
        }
    }
}
