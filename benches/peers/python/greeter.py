"""The load test's greeter with the official Python SDK behind aiohttp, as in the SDK docs.

Same function as ours: read the argument as a string, seen = (seen or 0) + 1.
Serves 127.0.0.1:$PORT at /statefun (one process, aiohttp's default event loop).
"""
import os

from aiohttp import web
from statefun import Context, IntType, Message, RequestReplyHandler, StatefulFunctions, ValueSpec

functions = StatefulFunctions()


@functions.bind(typename="demo/greeter", specs=[ValueSpec(name="seen", type=IntType)])
async def greeter(context: Context, message: Message):
    message.as_string()
    context.storage.seen = (context.storage.seen or 0) + 1


handler = RequestReplyHandler(functions)


async def handle(request):
    body = await request.read()
    answer = await handler.handle_async(body)
    return web.Response(body=answer, content_type="application/octet-stream")


app = web.Application()
app.add_routes([web.post("/statefun", handle)])

if __name__ == "__main__":
    web.run_app(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8002")), access_log=None, print=None)
