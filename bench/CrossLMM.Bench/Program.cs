using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CrossLMM.Bench;
using CrossLMM.Zoo.Engine;

// The bench program: discover cases → for each round and case, measure it in C# (BenchmarkDotNet) and then
// its PyTorch twin (bench/reference/run.py), back to back → write ratios to out/bench/summary.{md,json}.
BenchOptions options;
try {
    options = BenchOptions.Parse(args);
} catch (HelpRequested) {
    Console.WriteLine(BenchOptions.Usage);
    return 0;
} catch (ArgumentException e) {
    Console.Error.WriteLine($"error: {e.Message}\n\n{BenchOptions.Usage}");
    return 1;
}

Report.LoadAverageAtStart = Report.LoadAverage();
var cases = BenchRegistry.Discover().Where(c => c.Matches(options.Filters)).ToList();
if (options.List) {
    foreach (var c in cases)
        Console.WriteLine($"{c.Name,-40} [{string.Join(", ", c.Categories)}] {(c.Reference is null ? "(C# only)" : "vs PyTorch " + c.Reference.Id)}");
    return 0;
}
if (cases.Count == 0) {
    Console.Error.WriteLine($"error: no case matches {string.Join(", ", options.Filters)} (see --list)");
    return 1;
}

// TorchSharp's natives (with the Debian 12 fix), then the same threads on both sides.
CrossLMM.Zoo.Engine.Native.TorchNativeLoader.EnsureLoaded();
EngineInfo.SetThreads(options.Threads);
Console.WriteLine($"{EngineInfo.Describe()}; BLAS: {EngineInfo.Blas}; threads: intra-op {EngineInfo.IntraOpThreads} (MKL uses the same)");

if (options.Loop > 0) {
    LoopRun.Run(cases, options.Loop, Console.Out, options.SectionsDepth);
    return 0;
}

var cs = cases.ToDictionary(c => c, _ => new List<Measured>());
var pt = cases.ToDictionary(c => c, _ => new List<ReferenceMeasured>());
ReferenceReport? reference = null;
var checks = new Dictionary<BenchCase, ReferenceCheck>();
var failed = false;
for (var round = 1; round <= options.Rounds; round++) {
    foreach (var c in cases) {
        Console.WriteLine($"==== round {round}/{options.Rounds}: {c.Name} ====");
        var m = DotNetRun.Run(new[] { c }, options, Console.Out);
        if (m.Count == 0) { failed = true; continue; }
        cs[c].Add(m[0]);
        if (options.NoReference || c.Reference is null) continue;
        reference = ReferenceRun.Run(new[] { c.Reference.Id }, EngineInfo.IntraOpThreads, EngineInfo.IntraOpThreads, options, Console.Out);
        pt[c].Add(reference.Cases[c.Reference.Id]);
        if (reference.Checks.TryGetValue(c.Reference.Id, out var check)) checks[c] = check;
    }
}

var env = Report.Describe(options, reference);
var rounds = cases.Select(c => new CaseRounds(c, cs[c], pt[c], checks.GetValueOrDefault(c))).ToList();
var rows = Report.Rows(rounds);
var plain = Report.PlainRows(rounds);
Report.Write(options.OutputDirectory, env, rows, plain, out var markdown);
Console.WriteLine();
Console.WriteLine(Report.Markdown(env, rows, plain));
var utilisation = Report.Utilisation(rows, CrossLMM.Bench.Cases.ModelBenchmarks.PrefillFlops());
if (utilisation is not null) {
    File.AppendAllText(markdown, utilisation);
    Console.WriteLine(utilisation);
}
Console.WriteLine($"written: {markdown} (and summary.json, pytorch.json, bdn/)");

if (failed) return 3;
return options.FailOnGoal && (rows.Any(r => r.GoalMet == false) || plain.Any(p => p.GoalMet == false)) ? 2 : 0;
