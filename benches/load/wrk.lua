-- wrk script of benches/load/run.sh: POSTs the file $BODY_FILE as a protobuf body and
-- prints one JSON line (prefixed "RESULT ") with the counts and latency percentiles.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/octet-stream"
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.body = file:read("*a")
file:close()

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50_us":%.1f,"p99_us":%.1f,"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
