"""The official Python SDK serving the functions behind the conformance vectors, for the
differential suite (tests/differential, see its README.md).

Reads requests from stdin and writes answers to stdout, one at a time, until stdin ends:
  request: 4-byte big-endian length, then a serialized ToFunction
  answer:  1 byte (0: the handler returned, 1: it raised), 4-byte big-endian length, then
           the serialized FromFunction, or the UTF-8 text "ExceptionClass: message"
The SDK's HTTP examples answer an exception with status 500; the Rust side maps it so.
"""

import asyncio
import os
import struct
import sys
from datetime import timedelta

# The pure-Python protobuf parser, whatever wheel pip picked: the one the SDK runs on Python
# 3.11, whose behaviour docs/conformance.md describes.
os.environ["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = "python"

from google.protobuf.internal import api_implementation  # noqa: E402

from statefun import (  # noqa: E402
    BoolType,
    IntType,
    RequestReplyHandler,
    StatefulFunctions,
    StringType,
    ValueSpec,
    kafka_egress_message,
    make_json_type,
    message_builder,
    simple_type,
)

functions = StatefulFunctions()

BYTES = simple_type("demo/bytes", serialize_fn=bytes, deserialize_fn=bytes)
PROFILE = make_json_type("demo/Profile")
VISIT = make_json_type("demo/Visit")
VISIT_ACK = make_json_type("demo/VisitAck")


@functions.bind("demo/greeter", specs=[ValueSpec("seen", IntType)])
def greeter(context, message):
    message.as_string()
    context.storage.seen = (context.storage.seen or 0) + 1


@functions.bind(
    "demo/effects", specs=[ValueSpec("seen", IntType), ValueSpec("scratch", StringType)]
)
def effects(context, message):
    context.storage.seen = (context.storage.seen or 0) + 1
    caller = context.caller
    context.send(
        message_builder(
            target_typename=caller.typename,
            target_id=caller.id,
            str_value=f"hello {caller.id}",
        )
    )
    context.send_after(
        timedelta(milliseconds=5000),
        message_builder(target_typename="demo/greeter", target_id="carol", str_value="later"),
        cancellation_token="tok-1",
    )
    context.cancel_delayed_message("tok-0")
    me = context.address.id
    context.send_egress(
        kafka_egress_message(
            typename="demo/kafka-egress", topic="greetings", key=me, value=f"hello {me}"
        )
    )
    del context.storage.scratch


@functions.bind("demo/blob", specs=[ValueSpec("blob", BYTES)])
def blob(context, message):
    tail = message.as_string()
    context.storage.blob = (context.storage.blob or b"") + tail.encode("utf-8")


@functions.bind("demo/json", specs=[ValueSpec("profile", PROFILE)])
def json_function(context, message):
    visit = message.as_type(VISIT)
    me = context.address.id
    profile = context.storage.profile or {"name": me, "visits": 0, "pages": [], "tags": []}
    profile["visits"] += 1
    profile["pages"].append(visit["page"])
    profile["last_ms"] = visit["ms"]
    context.storage.profile = profile
    context.send(
        message_builder(
            target_typename="demo/json-sink",
            target_id=me,
            value={"name": profile["name"], "visits": profile["visits"]},
            value_type=VISIT_ACK,
        )
    )


@functions.bind(
    "demo/ttl",
    specs=[
        ValueSpec("a", IntType, expire_after_call=timedelta(seconds=60)),
        ValueSpec("b", StringType, expire_after_write=timedelta(seconds=5)),
        ValueSpec("c", BoolType),
    ],
)
def ttl(context, message):
    context.storage.c = True


def main():
    if api_implementation.Type() != "python":
        sys.exit(f"driver.py: protobuf runs its {api_implementation.Type()} parser, not the pure-Python one")
    handler = RequestReplyHandler(functions)
    loop = asyncio.new_event_loop()
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = requests.read(4)
        if len(header) < 4:
            return
        (length,) = struct.unpack(">I", header)
        body = requests.read(length)
        try:
            kind, payload = 0, bytes(loop.run_until_complete(handler.handle_async(body)))
        except Exception as error:  # every exception is an answer: status 500
            kind, payload = 1, f"{type(error).__name__}: {error}".encode("utf-8", "replace")
        answers.write(struct.pack(">BI", kind, len(payload)) + payload)
        answers.flush()


if __name__ == "__main__":
    main()
