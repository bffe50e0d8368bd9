-- wrk script of benches/load/cold.sh: POSTs $BODY_FILE like wrk.lua and stops once
-- $REQUESTS answers have come back. wrk itself only stops after its duration (-d), which it
-- sleeps through unless interrupted: on the last answer the script stops its thread and
-- creates the file $DONE_FILE, on which cold.sh interrupts wrk with SIGINT; wrk then
-- reports the run as usual.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/octet-stream"
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.body = file:read("*a")
file:close()
local limit = tonumber(os.getenv("REQUESTS"))
local answered = 0

response = function(status, headers, body)
  answered = answered + 1
  if answered == limit then
    wrk.thread:stop()
    assert(io.open(os.getenv("DONE_FILE"), "w")):close()
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50_us":%.1f,"p99_us":%.1f,"max_us":%.1f,"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect + e.read + e.write + e.status + e.timeout))
end
