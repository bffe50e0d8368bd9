#!/usr/bin/env python3
"""An OTLP/HTTP trace receiver standing in for a collector, and the check of what it got.

    otlp_receiver.py serve SPANS.jsonl PORT_FILE   # POST /v1/traces (protobuf), one line a span
    otlp_receiver.py check SPANS.jsonl ID...       # the chain's trace shape, per record id

`serve` listens on 127.0.0.1 (a free port, written to PORT_FILE), decodes each
ExportTraceServiceRequest (opentelemetry-proto: resource_spans 1 > scope_spans 2 > spans 2;
Span: trace_id 1, span_id 2, parent_span_id 4, name 5, attributes 9 as KeyValue key 1 and
AnyValue 2 with string_value 1) with a small protobuf reader of its own (no packages), and
appends each span to SPANS.jsonl. It stops on SIGTERM.

`check` passes (exit 0) when, for every id, the spans hold the chain trace/a -> trace/b ->
trace/c of that id as one trace: the trace/a span a root (the record came from an ingress),
the trace/b span its child, the trace/c span the trace/b span's child, all with one trace id.
And no trace/b or trace/c span may be an orphan: each one's parent is a received span of the
function before it, for the same id, in the same trace (a restore runs some invocations again;
their spans link up the same way). It prints the traces it found.
"""

import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def fields(data):
    """The fields of a protobuf message: a list of (number, wire type, value)."""
    out, at = [], 0

    def varint():
        nonlocal at
        shift = value = 0
        while True:
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    while at < len(data):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            value = varint()
        elif wire == 1:
            value, at = data[at:at + 8], at + 8
        elif wire == 2:
            length = varint()
            value, at = data[at:at + length], at + length
        elif wire == 5:
            value, at = data[at:at + 4], at + 4
        else:
            raise ValueError(f"wire type {wire}")
        out.append((number, wire, value))
    return out


def first(message, number, default=b""):
    for n, _, value in message:
        if n == number:
            return value
    return default


def spans(body):
    """The spans of an ExportTraceServiceRequest, as dicts."""
    for n, _, resource_spans in fields(body):
        if n != 1:
            continue
        for n, _, scope_spans in fields(resource_spans):
            if n != 2:
                continue
            for n, _, span in fields(scope_spans):
                if n != 2:
                    continue
                span = fields(span)
                attributes = {}
                for n, _, pair in span:
                    if n == 9:
                        pair = fields(pair)
                        value = fields(first(pair, 2))
                        attributes[first(pair, 1).decode()] = first(value, 1).decode(errors="replace")
                yield {
                    "trace_id": first(span, 1).hex(),
                    "span_id": first(span, 2).hex(),
                    "parent_span_id": first(span, 4).hex(),
                    "name": first(span, 5).decode(),
                    "attributes": attributes,
                }


def serve(path, port_file):
    out = open(path, "a", buffering=1)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path != "/v1/traces":
                self.send_response(404)
                self.end_headers()
                return
            try:
                received = list(spans(body))
            except (ValueError, IndexError) as error:
                self.send_response(400)
                self.end_headers()
                self.wfile.write(str(error).encode())
                return
            for span in received:
                out.write(json.dumps(span) + "\n")
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


def check(path, ids):
    received = [json.loads(line) for line in open(path)]
    invocations = [s for s in received if s["name"] == "statefun.invocation"]
    by_id = {s["span_id"]: s for s in invocations}

    def function(span):
        return span["attributes"].get("function")

    problems = []
    for span in invocations:
        before = {"trace/b": "trace/a", "trace/c": "trace/b"}.get(function(span))
        if before is None:
            continue
        parent = by_id.get(span["parent_span_id"])
        if parent is None or function(parent) != before:
            problems.append(f"{function(span)} {span['attributes'].get('id')}: its parent is no {before} span received")
        elif parent["trace_id"] != span["trace_id"] or parent["attributes"].get("id") != span["attributes"].get("id"):
            problems.append(f"{function(span)} {span['attributes'].get('id')}: another trace or id than its parent's")
    for span in invocations:
        if function(span) == "trace/a" and span["parent_span_id"]:
            problems.append(f"trace/a {span['attributes'].get('id')}: not a root (parent {span['parent_span_id']})")
    traces = 0
    for record in ids:
        chains = []
        for c in invocations:
            if function(c) != "trace/c" or c["attributes"].get("id") != record:
                continue
            b = by_id.get(c["parent_span_id"])
            a = b and by_id.get(b["parent_span_id"])
            if a and function(a) == "trace/a" and not a["parent_span_id"] and a["trace_id"] == b["trace_id"] == c["trace_id"]:
                chains.append((a, b, c))
        if not chains:
            problems.append(f"record {record}: no trace trace/a -> trace/b -> trace/c")
            continue
        traces += len(chains)
        for a, b, c in chains:
            print(f"  {record}: trace {a['trace_id']}: trace/a {a['span_id']} (root) -> trace/b {b['span_id']} -> trace/c {c['span_id']}")
    print(f"  {len(received)} spans received, {len(invocations)} invocation spans, {traces} complete traces for {len(ids)} records")
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    return 0 if not problems else 1


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3:]))
    else:
        sys.exit(__doc__)
