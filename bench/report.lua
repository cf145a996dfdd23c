-- wrk script: prints one machine-readable line when the run ends (read by bench/run.sh).
-- Errors are wrk's status errors (answers >= 400; 3xx redirects are success) plus socket errors
-- (connect, read, write, timeout).

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
