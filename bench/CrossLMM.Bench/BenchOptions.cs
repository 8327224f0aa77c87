using System;
using System.Collections.Generic;
using System.IO;

namespace CrossLMM.Bench;

/// <summary>Command-line options of the bench program.</summary>
public sealed record BenchOptions
{
    /// <summary>Short BenchmarkDotNet job and few Python repeats: a smoke run for CI (numbers are rough).</summary>
    public bool Quick { get; init; }

    /// <summary>Substrings; a benchmark runs when its "Type.Method", category or PyTorch case id contains one (empty = all).</summary>
    public IReadOnlyList<string> Filters { get; init; } = Array.Empty<string>();

    /// <summary>Skip the PyTorch side (C# numbers only).</summary>
    public bool NoReference { get; init; }

    /// <summary>Exit with code 2 when a case misses its goal.</summary>
    public bool FailOnGoal { get; init; }

    /// <summary>
    /// Rounds of (C#, PyTorch) measurements per case, alternating, so that drift in machine speed (shared
    /// CPUs, other jobs) hits both sides alike; ratios are the median of the per-round ratios. 0 = default
    /// (1 with --quick, 3 otherwise).
    /// </summary>
    public int Rounds { get; init; }

    /// <summary>List the registered cases and exit.</summary>
    public bool List { get; init; }

    /// <summary>Where summary.md, summary.json and BenchmarkDotNet's artifacts go (default: out/bench under the repository).</summary>
    public string OutputDirectory { get; init; } = "";

    /// <summary>
    /// Threads on both sides: libtorch's intra-op threads and the BLAS library's own pool (OpenBLAS runs its
    /// own pthreads for GEMM, which set_num_threads does not reach), set alike in C# and in Python. Default 1:
    /// the two sides then run the same kernels on one core each, and a busy machine disturbs them alike.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>&gt; 0: run the C# cases in a plain loop of this many iterations (no BenchmarkDotNet, no PyTorch) and print per-op numbers.</summary>
    public int Loop { get; init; }

    /// <summary>With --loop: after the loop, one more run timed per module down to this depth (-1: off).</summary>
    public int SectionsDepth { get; init; } = -1;

    /// <summary>The Python interpreter with torch.</summary>
    public string Python { get; init; } = "/usr/bin/python3";

    public const string Usage = """
        CrossLMM.Bench: the engine (and later blocks and models) against PyTorch eager, side by side in one run.

        usage: dotnet run -c Release --project bench/CrossLMM.Bench -- [options]
          --quick              short jobs (CI smoke; numbers are rough)
          --filter TEXT        run only cases whose Type.Method, category or PyTorch id contains TEXT (repeatable)
          --no-reference       do not run the PyTorch side
          --fail-on-goal       exit code 2 when a case misses its goal
          --out DIR            output folder (default: <repo>/out/bench)
          --python PATH        interpreter with torch (default: /usr/bin/python3)
          --rounds N           alternating C#/PyTorch rounds per case (default 3, 1 with --quick)
          --threads N          intra-op and BLAS threads, the same on both sides (default 1)
          --loop N             run the C# cases N times in a plain loop (no BenchmarkDotNet, no PyTorch): wall and
                               CPU time, page faults, allocations, GCs per op; a steady target for perf/callgrind
          --sections D         with --loop: one more run, wall time per module down to D dots of the module path
          --list               list the cases and exit
        Writes DIR/summary.md and DIR/summary.json (ratios C#/PyTorch) and BenchmarkDotNet's reports in DIR/bdn.
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        var filters = new List<string>();
        for (var i = 0; i < args.Length; i++) {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch {
                "--quick" => o with { Quick = true },
                "--no-reference" => o with { NoReference = true },
                "--fail-on-goal" => o with { FailOnGoal = true },
                "--list" => o with { List = true },
                "--out" => o with { OutputDirectory = Next() },
                "--python" => o with { Python = Next() },
                "--rounds" => o with { Rounds = int.TryParse(Next(), out var r) && r > 0 ? r : throw new ArgumentException("--rounds needs a positive integer") },
                "--filter" => Add(o, filters, Next()),
                "--loop" => o with { Loop = int.TryParse(Next(), out var l) && l > 0 ? l : throw new ArgumentException("--loop needs a positive integer") },
                "--sections" => o with { SectionsDepth = int.TryParse(Next(), out var d) && d >= 0 ? d : throw new ArgumentException("--sections needs a depth >= 0") },
                "--threads" => o with { Threads = int.TryParse(Next(), out var n) && n > 0 ? n : throw new ArgumentException("--threads needs a positive integer") },
                "-h" or "--help" => throw new HelpRequested(),
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
        }
        o = o with { Filters = filters };
        if (o.Rounds == 0) o = o with { Rounds = o.Quick ? 1 : 3 };
        if (o.OutputDirectory.Length == 0) o = o with { OutputDirectory = Path.Combine(RepoRoot(), "out", "bench") };
        return o;

        static BenchOptions Add(BenchOptions o, List<string> list, string value)
        {
            list.Add(value);
            return o;
        }
    }

    /// <summary>The repository root: the nearest folder above the working directory or the program holding CrossLMM.Zoo.sln.</summary>
    public static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory }) {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "CrossLMM.Zoo.sln"))) return d.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}

/// <summary>Thrown by <see cref="BenchOptions.Parse"/> for -h/--help.</summary>
public sealed class HelpRequested : Exception;
