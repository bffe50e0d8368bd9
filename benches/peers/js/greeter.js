// The load test's greeter with the official JavaScript SDK behind node's http module, as
// in the SDK README. Same function as ours: read the argument as a string,
// seen = (seen || 0) + 1. Serves 127.0.0.1:$PORT (any path; the runner posts to /statefun).
"use strict";
const http = require("http");
const { StateFun } = require("apache-flink-statefun");

const statefun = new StateFun();
statefun.bind({
  typename: "demo/greeter",
  fn(context, message) {
    message.asString();
    context.storage.seen = (context.storage.seen || 0) + 1;
  },
  specs: [{ name: "seen", type: StateFun.intType() }],
});

http.createServer(statefun.handler()).listen(Number(process.env.PORT || 8003), "127.0.0.1");
