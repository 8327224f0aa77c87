using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using CrossLMM.Zoo.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;
using Ours = CrossLMM.Zoo.Engine.Safetensors;
using OursMapped = CrossLMM.Zoo.Engine.SafetensorsFile;
using PyBridge = TorchSharp.PyBridge.Safetensors;

namespace CrossLMM.Bench.SafetensorsCompare;

/// <summary>
/// Our safetensors reader against TorchSharp.PyBridge's, on the corruption corpus and on load speed.
///   dotnet run -c Release --project bench/safetensors-compare [-- --out results.md] [--rounds 5] [--tensors 100]
///     [--corpus-only | --speed-only]
/// PyBridge reads each corrupt file in a child process (this program with --pybridge-child), so a hang or a
/// native crash is recorded instead of ending the run. Results: docs/safetensors-vs-pybridge.md.
/// </summary>
internal static class Program
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(60);

    private static int Main(string[] args)
    {
        TorchNativeLoader.EnsureLoaded();
        if (args.Length == 2 && args[0] == "--pybridge-child") return PyBridgeChild(args[1]);

        string? outPath = Option(args, "--out");
        int rounds = int.Parse(Option(args, "--rounds") ?? "5");
        int tensorCount = int.Parse(Option(args, "--tensors") ?? "100");
        var report = new StringBuilder();
        report.AppendLine($"load average before: {LoadAverage()}");
        report.AppendLine($"machine: {Environment.ProcessorCount} logical CPUs, {Environment.OSVersion}, .NET {Environment.Version}, TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch threads {torch.get_num_threads()}");
        var bridge = typeof(PyBridge).Assembly;
        var builtAgainst = bridge.GetReferencedAssemblies().FirstOrDefault(a => a.Name == "TorchSharp")?.Version;
        report.AppendLine($"TorchSharp.PyBridge {bridge.GetName().Version} (compiled against TorchSharp {builtAgainst}), running on TorchSharp {typeof(torch).Assembly.GetName().Version}");
        report.AppendLine();

        var dir = Directory.CreateTempSubdirectory("st-compare-").FullName;
        try {
            if (!args.Contains("--speed-only")) {
                CompareCorpus(dir, report);
                report.AppendLine();
            }

            if (!args.Contains("--corpus-only")) CompareSpeed(dir, rounds, tensorCount, report);
        } finally {
            Directory.Delete(dir, recursive: true);
        }

        report.AppendLine();
        report.AppendLine($"load average after: {LoadAverage()}");
        Console.Write(report.ToString());
        if (outPath is not null) File.WriteAllText(outPath, report.ToString());
        return 0;
    }

    // ---- (a) the corruption corpus ----

    private static void CompareCorpus(string dir, StringBuilder report)
    {
        report.AppendLine("| # | case | ours: Safetensors.Load | PyBridge: Safetensors.LoadStateDict |");
        report.AppendLine("|---|---|---|---|");
        int rejectedByUs = 0, rejectedByPyBridge = 0, i = 0;
        foreach (var (name, bytes) in Corpus.Cases) {
            i++;
            var path = Path.Combine(dir, $"{i:00}-{name.Replace(' ', '_').Replace('/', '_')}.safetensors");
            File.WriteAllBytes(path, bytes);
            var ours = Ours_(path);
            var theirs = RunChild(path);
            if (ours.StartsWith("rejected", StringComparison.Ordinal)) rejectedByUs++;
            if (theirs.StartsWith("rejected", StringComparison.Ordinal)) rejectedByPyBridge++;
            report.AppendLine($"| {i} | {name} | {Cell(ours)} | {Cell(theirs)} |");
        }

        report.AppendLine();
        report.AppendLine($"rejected with an exception: ours {rejectedByUs}/{Corpus.Cases.Count}, PyBridge {rejectedByPyBridge}/{Corpus.Cases.Count}");
    }

    private static string Ours_(string path)
    {
        try {
            var loaded = Ours.Load(path);
            var text = "ACCEPTED: " + Describe(loaded);
            foreach (var t in loaded.Values) t.Dispose();
            return text;
        } catch (Exception e) {
            return $"rejected: {e.GetType().Name}: {Start(e.Message.Replace(path, "<file>"))}";
        }
    }

    private static string RunChild(string path)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--pybridge-child");
        start.ArgumentList.Add(path);
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(ChildTimeout)) {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            return $"HANG: no result after {ChildTimeout.TotalSeconds:0} s (killed)";
        }

        var line = stdout.Result.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (line is null) {
            var err = stderr.Result.Split('\n').FirstOrDefault(l => l.Trim().Length > 0) ?? "";
            return $"CRASH: exit code {child.ExitCode}{(err.Length > 0 ? ", " + Start(err.Trim()) : "")}";
        }

        return line["RESULT ".Length..].Trim().Replace(path, "<file>");
    }

    /// <summary>Child process: one PyBridge read, one RESULT line.</summary>
    private static int PyBridgeChild(string path)
    {
        try {
            var loaded = PyBridge.LoadStateDict(path);
            Console.WriteLine("RESULT ACCEPTED: " + Describe(loaded));
        } catch (Exception e) {
            Console.WriteLine($"RESULT rejected: {e.GetType().Name}: {Start(e.Message.Replace(path, "<file>"))}");
        }

        return 0;
    }

    private static string Describe(Dictionary<string, Tensor> tensors)
    {
        if (tensors.Count == 0) return "0 tensors";
        return string.Join("; ", tensors.Select(kv => {
            var t = kv.Value;
            var values = t.numel() == 0 ? "no elements" : "values " + Values(t);
            return $"'{kv.Key}' {t.dtype}[{string.Join(",", t.shape)}] {values}";
        }));
    }

    private static string Values(Tensor t)
    {
        using var flat = t.flatten().to(ScalarType.Float64);
        var head = flat.numel() > 4 ? flat.narrow(0, 0, 4) : flat;
        return "[" + string.Join(", ", head.data<double>().ToArray().Select(v => v.ToString("G4"))) + (flat.numel() > 4 ? ", …]" : "]");
    }

    private static string Start(string message) => message.Length <= 110 ? message : message[..110] + "…";

    private static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ").Replace("\r", "");

    // ---- (b) load speed ----

    private static void CompareSpeed(string dir, int rounds, int tensorCount, StringBuilder report)
    {
        var path = Path.Combine(dir, "speed.safetensors");
        using (var scope = NewDisposeScope()) {
            torch.manual_seed(1234);
            var tensors = Enumerable.Range(0, tensorCount).ToDictionary(i => $"model.layers.{i}.weight", _ => torch.randn(512, 1024));
            Ours.Save(path, tensors);
        }

        long bytes = new FileInfo(path).Length;
        report.AppendLine($"speed file: {tensorCount} float32 tensors of 512x1024, {bytes / 1e6:F1} MB; {rounds} rounds after one warm-up round (page cache warm), readers interleaved within each round");

        // The two loaders must agree before their times mean anything.
        var a = Ours.Load(path);
        var b = PyBridge.LoadStateDict(path);
        bool same = a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var t) && t.dtype == kv.Value.dtype && t.shape.SequenceEqual(kv.Value.shape) && kv.Value.eq(t).all().item<bool>());
        foreach (var t in a.Values.Concat(b.Values)) t.Dispose();
        report.AppendLine($"both loaders give identical tensors: {same}");

        var readers = new (string Name, Func<int> Read)[] {
            ("ours: Safetensors.Load (copy)", () => Consume(Ours.Load(path))),
            ("PyBridge: Safetensors.LoadStateDict (copy)", () => Consume(PyBridge.LoadStateDict(path))),
            ("ours: SafetensorsFile.Open + GetTensors (mapped, pages not touched)", () => { using var f = OursMapped.Open(path); return Consume(f.GetTensors()); }),
        };
        var times = readers.Select(_ => new List<double>()).ToArray();
        for (int round = -1; round < rounds; round++) {
            for (int r = 0; r < readers.Length; r++) {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var sw = Stopwatch.StartNew();
                readers[r].Read();
                sw.Stop();
                if (round >= 0) times[r].Add(sw.Elapsed.TotalMilliseconds);
            }
        }

        report.AppendLine();
        report.AppendLine("| reader | median ms | min ms | max ms | MB/s (median) | all runs ms |");
        report.AppendLine("|---|---|---|---|---|---|");
        for (int r = 0; r < readers.Length; r++) {
            double median = Median(times[r]);
            report.AppendLine($"| {readers[r].Name} | {median:F1} | {times[r].Min():F1} | {times[r].Max():F1} | {bytes / 1e6 / (median / 1000):F0} | {string.Join(", ", times[r].Select(t => t.ToString("F0")))} |");
        }

        report.AppendLine();
        report.AppendLine($"ratio of medians, PyBridge / ours (copying loads): {Median(times[1]) / Median(times[0]):F2}");
    }

    private static int Consume(Dictionary<string, Tensor> tensors)
    {
        int n = tensors.Count;
        foreach (var t in tensors.Values) t.Dispose();
        return n;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
