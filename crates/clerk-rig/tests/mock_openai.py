"""A scripted OpenAI Chat Completions endpoint for scripts/test's run of the rig_agent example.

The first turn calls getUserCount; the next one answers with the tool's result, so the run
shows the model was offered the tools, rig ran the call through clerk-tools, and the result
came back. Prints its port, then serves on loopback until killed.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        results = [m for m in body["messages"] if m["role"] == "tool"]
        if not body.get("tools"):
            message, finish = {"role": "assistant", "content": "NO TOOLS OFFERED"}, "stop"
        elif not results:
            call = {"id": "call_1", "type": "function",
                    "function": {"name": "getUserCount", "arguments": "{}"}}
            message, finish = {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"
        else:
            message = {"role": "assistant", "content": "tool result: " + results[-1]["content"]}
            finish = "stop"
        out = json.dumps({
            "id": "chatcmpl-mock", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
