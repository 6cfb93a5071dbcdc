#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A stand-in for llama.cpp's llama-server, for trying RepoScope's chat by hand and for
screenshots without a model: GET /health, /props (n_ctx), /v1/models, POST /tokenize and
a streaming /v1/chat/completions that reports prompt_progress while it "prefills", then
streams a canned Markdown answer with citations, then usage and timings.

    scripts/dev/fake-llama-server.py [--port 8080] [--ctx 131072] [--prefill-s 6] [--tps 40]
                                     [--answer FILE] [--stall-after N] [--stall-s 60]

--answer streams the Markdown in FILE instead of the built-in answer, e.g.
scripts/dev/demo-security-review.md (a findings-style review of the repository that
scripts/dev/make-demo-repo.sh creates).

--stall-after N stops sending after N pieces of the answer (0: before the first token) and
keeps the connection open, silent, for --stall-s seconds before going on: what a stalled
server looks like. With `timings_per_token` in the request (as RepoScope sends with
`return_progress`), every chunk carries `timings.predicted_n`, the count so far.
"""
import argparse
import json
import re
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = """## SQL injection: 2 findings

- [HIGH] User input concatenated into a query — `app/db.py:2` — "return run(\\"SELECT * FROM t WHERE n='\\" + name)" — `name` comes straight from the request handler.
- [MEDIUM] Dynamic ORDER BY — `app/report.py:14` — "order = request.args['sort']" — the sort column is not allow-listed.

### Data flow

1. `app/routes.py:8` reads `name` from the query string.
2. `app/db.py:2` builds the SQL text with `+`.

```python
def find(name):
    return run("SELECT * FROM t WHERE n = %s", (name,))
```

Use bound parameters everywhere; the rest of the data layer already does.
"""


def words(text):
    return re.findall(r"\S+\s*|\s+", text)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, obj, status=200):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/health":
            return self.send_json({"status": "ok"})
        if self.path == "/props":
            return self.send_json({"default_generation_settings": {"n_ctx": self.server.args.ctx},
                                   "modalities": {"vision": self.server.args.vision}})
        if self.path == "/v1/models":
            return self.send_json({"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        self.send_json({"error": {"message": "not found", "type": "not_found_error"}}, 404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if self.path == "/tokenize":
            content = json.loads(raw or b"{}").get("content", "")
            return self.send_json({"tokens": list(range(max(1, len(content) // 4)))})
        if self.path != "/v1/chat/completions":
            return self.send_json({"error": {"message": "not found"}}, 404)
        request = json.loads(raw)
        prompt_tokens = max(1, len(raw) // 4)
        if prompt_tokens > self.server.args.ctx:
            return self.send_json({"error": {"code": 400, "type": "exceed_context_size_error",
                                             "message": "the request exceeds the available context size",
                                             "n_prompt_tokens": prompt_tokens, "n_ctx": self.server.args.ctx}}, 400)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def event(obj):
            data = b"data: " + (obj if isinstance(obj, bytes) else json.dumps(obj).encode()) + b"\n\n"
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        start = time.time()
        steps = 20
        if request.get("return_progress"):
            for i in range(1, steps + 1):
                time.sleep(self.server.args.prefill_s / steps)
                event({"choices": [], "prompt_progress": {"total": prompt_tokens, "cache": 0,
                                                          "processed": prompt_tokens * i // steps,
                                                          "time_ms": int((time.time() - start) * 1000)}})
        else:
            time.sleep(self.server.args.prefill_s)
        args = self.server.args
        if args.stall_after == 0:
            time.sleep(args.stall_s)
        event({"choices": [{"index": 0, "delta": {"role": "assistant", "content": None}}]})
        # Like llama-server, each piece counts as a token against the request's max_tokens;
        # --think pieces of reasoning come first and count too.
        thinking = [("reasoning_content", "Thinking about the files. ")] * args.think
        pieces = thinking + [("content", p) for p in words(self.server.answer)]
        limit = request.get("max_tokens") or len(pieces)
        finish = "length" if len(pieces) > limit else "stop"
        pieces = pieces[:limit]
        for i, (field, piece) in enumerate(pieces):
            if i > 0 and i == args.stall_after:
                time.sleep(args.stall_s)
            chunk = {"choices": [{"index": 0, "delta": {field: piece}}]}
            if request.get("timings_per_token"):
                chunk["timings"] = {"predicted_n": i + 1}
            event(chunk)
            time.sleep(1.0 / args.tps)
        event({"choices": [{"index": 0, "delta": {}, "finish_reason": finish}],
               "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": len(pieces),
                         "total_tokens": prompt_tokens + len(pieces)}})
        event(b"[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def main():
    parser = argparse.ArgumentParser(
        description="A stand-in for llama.cpp's llama-server, for trying RepoScope's chat by hand.")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--ctx", type=int, default=131072)
    parser.add_argument("--prefill-s", type=float, default=6.0)
    parser.add_argument("--tps", type=float, default=40.0)
    parser.add_argument("--answer", metavar="FILE", help="stream this Markdown file as the answer")
    parser.add_argument("--vision", action="store_true",
                        help="report a vision projector in /props (like --mmproj), so images can be sent")
    parser.add_argument("--stall-after", type=int, default=-1, metavar="N",
                        help="go silent after N answer pieces (0: before the first token)")
    parser.add_argument("--stall-s", type=float, default=60.0,
                        help="how long a stall lasts before the answer goes on (default 60)")
    parser.add_argument("--think", type=int, default=0, metavar="N",
                        help="send N pieces of reasoning_content before the answer (with a low "
                             "reserve for the answer: a reasoning-only answer cut off by length)")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.args = args
    server.answer = ANSWER
    if args.answer:
        with open(args.answer, encoding="utf-8") as f:
            server.answer = f.read()
    print(f"fake llama-server on http://127.0.0.1:{args.port}/v1 (n_ctx {args.ctx})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
