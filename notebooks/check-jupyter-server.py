#!/usr/bin/python3
"""Checks the Jupyter browser path without a browser: starts `jupyter notebook` in this folder, opens a `.NET (C#)`
kernel through the server's REST API and runs the notebooks' `#r` line and a zoo cell over the kernel's websocket,
the way the browser page does. Exits non-zero unless both cells succeed. See README.md.

    ./zoo.sh notebooks-setup && sudo apt-get install jupyter-notebook
    /usr/bin/python3 notebooks/check-jupyter-server.py      # Debian's python3, which has tornado
"""
import json, os, subprocess, sys, time, uuid, urllib.request
from tornado import ioloop, websocket, gen

folder, port, token = os.path.dirname(os.path.abspath(__file__)), 8897, uuid.uuid4().hex
root = ["--allow-root"] if os.geteuid() == 0 else []   # the notebook server refuses to run as root without it
server = subprocess.Popen(["jupyter", "notebook", "--no-browser", f"--port={port}", f"--NotebookApp.token={token}"] + root,
                          cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
base = f"http://127.0.0.1:{port}"
def rest(method, path, body=None):
    req = urllib.request.Request(f"{base}{path}?token={token}", method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30))
for _ in range(60):
    try:
        specs = rest("GET", "/api/kernelspecs"); break
    except Exception:
        time.sleep(1)
else:
    print("server did not start"); server.kill(); sys.exit(1)
print("server up; kernelspecs:", sorted(specs["kernelspecs"]), "default:", specs["default"])
kernel = rest("POST", "/api/kernels", {"name": ".net-csharp"})
print("kernel", kernel["name"], kernel["execution_state"])

cells = ['#r "nuget: CrossLMM.Zoo.Notebooks, 0.1.0-local"\nusing CrossLMM.Zoo;\nusing CrossLMM.Zoo.Modules.Cost;',
         'var r = CostModel.Estimate(Zoo.Config("llava-ov", "7b"), 32, 64);\nConsole.WriteLine($"llava-ov at 32 frames: {PaperConvention.Of(r).Macs / 1e12:F2} paper TMACs; server GC {System.Runtime.GCSettings.IsServerGC}");']

@gen.coroutine
def run():
    ws = yield websocket.websocket_connect(f"ws://127.0.0.1:{port}/api/kernels/{kernel['id']}/channels?token={token}")
    ok = True
    for code in cells:
        start = time.time()
        msg_id = uuid.uuid4().hex
        ws.write_message(json.dumps({"header": {"msg_id": msg_id, "username": "check", "session": uuid.uuid4().hex, "msg_type": "execute_request", "version": "5.3"},
                                     "parent_header": {}, "metadata": {}, "channel": "shell",
                                     "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False}}))
        while True:
            raw = yield gen.with_timeout(time.time() + 600, ws.read_message())
            m = json.loads(raw)
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            t = m["msg_type"]
            if t == "stream":
                print("  stream:", m["content"]["text"].strip()[:300])
            elif t == "error":
                print("  error:", m["content"]["ename"], m["content"]["evalue"][:300])
            elif t == "execute_reply":
                print(f"execute_reply {m['content']['status']} in {time.time() - start:.1f} s")
                ok &= m["content"]["status"] == "ok"
                break
    ws.close()
    return ok

try:
    ok = ioloop.IOLoop.current().run_sync(run, timeout=900)
finally:
    try:
        rest("DELETE", f"/api/kernels/{kernel['id']}")
    except Exception:
        pass
    server.terminate(); server.wait(20)
print("both cells succeeded" if ok else "FAILED")
sys.exit(0 if ok else 1)
