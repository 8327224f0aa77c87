#!/usr/bin/env python3
"""Starts the kernel the way VS Code's Polyglot Notebooks does and runs the notebooks' first cell in it.

Polyglot Notebooks talks to `dotnet-interactive [vscode] stdio --working-dir <folder>` over standard input and
output, one JSON command or event per line. This script starts that process from this repository's local tool
(dotnet-interactive 1.0.712001, `.config/dotnet-tools.json`), submits the notebooks' `#r` line and a few cells
that use the zoo, TorchSharp's natives and the display helpers, and exits non-zero unless every command succeeds.
It checks the kernel side of the VS Code path; VS Code itself is not involved. See README.md.

    ./zoo.sh notebooks-setup
    DOTNET_gcServer=0 python3 notebooks/check-polyglot-kernel.py
"""
import json
import os
import queue
import subprocess
import sys
import threading
import time

FOLDER = os.path.dirname(os.path.abspath(__file__))
CELLS = [
    ("start", "1 + 1", 300),
    ("reference", '#r "nuget: CrossLMM.Zoo.Notebooks, 0.1.0-local"\n\nusing CrossLMM.Zoo;\nusing CrossLMM.Zoo.Modules.Cost;\n'
                  "using CrossLMM.Zoo.Notebooks.Display;", 600),
    ("zoo", 'var r = CostModel.Estimate(Zoo.Config("crosslmm", "7b"), 256, 64);\n'
            'Console.WriteLine($"crosslmm at 256 frames: {r.Prefill.Total / 1e12:F2} exact TFLOPs, '
            '{PaperConvention.Of(r).Macs / 1e12:F2} paper TMACs; server GC: {System.Runtime.GCSettings.IsServerGC}");', 300),
    ("torch", 'Console.WriteLine($"libtorch: {TorchSharp.torch.ones(2, 3).sum().item<float>()} = 6");', 300),
    ("display", 'display(Show.Markdown("**markdown** through the zoo\'s formatter"));', 300),
]


def main():
    args = ["dotnet", "tool", "run", "dotnet-interactive", "--", "[vscode]", "stdio", "--working-dir", FOLDER]
    print("$ " + " ".join(args) + f"   (DOTNET_gcServer={os.environ.get('DOTNET_gcServer', 'unset')})")
    process = subprocess.Popen(args, cwd=FOLDER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, bufsize=1)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    ok = True
    try:
        for token, code, timeout in CELLS:
            ok &= submit(process, lines, token, code, timeout)
    finally:
        process.stdin.close()
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
    print("all commands succeeded" if ok else "FAILED")
    return 0 if ok else 1


def submit(process, lines, token, code, timeout):
    start = time.time()
    envelope = {"token": token, "commandType": "SubmitCode", "command": {"code": code, "targetKernelName": "csharp"}}
    process.stdin.write(json.dumps(envelope) + "\n")
    process.stdin.flush()
    while time.time() - start < timeout:
        try:
            event = json.loads(lines.get(timeout=1))
        except queue.Empty:
            continue
        except json.JSONDecodeError:
            continue
        kind = event.get("eventType", "")
        if (event.get("command") or {}).get("token") != token:
            continue
        for value in (event.get("event") or {}).get("formattedValues") or []:
            if value.get("mimeType") in ("text/plain", "text/markdown"):
                print(f"  {kind}: {value.get('value', '').strip()[:300]}")
        if kind in ("CommandSucceeded", "CommandFailed"):
            message = (event.get("event") or {}).get("message", "")
            print(f"{token}: {kind} in {time.time() - start:.1f} s {message[:800]}")
            return kind == "CommandSucceeded"
    print(f"{token}: no answer in {timeout} s")
    return False


if __name__ == "__main__":
    sys.exit(main())
