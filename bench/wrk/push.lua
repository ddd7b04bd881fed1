-- A Pushgateway push (PUT /metrics/job/.../instance/...) of 20 series over WORKERS instances: 10 counters
-- by table and 10 gauges by queue. The same script drives wokmanager and Pushgateway itself (which ignores the key).
local common = dofile(os.getenv("WRK_DIR") .. "/common.lua")
common.requests("PUT", "text/plain; version=0.0.4; charset=utf-8", true)
local sent = 0

init = function(args)
  common.seed()
end

request = function()
  local n = math.random(0, common.workers - 1)
  sent = sent + 1
  local lines = { "# HELP import_rows_total Rows imported.", "# TYPE import_rows_total counter" }
  for k = 0, 9 do
    lines[#lines + 1] = string.format('import_rows_total{table="t%d"} %d', k, sent * 10 + k)
  end
  lines[#lines + 1] = "# HELP import_queue_lag_seconds Lag of a queue."
  lines[#lines + 1] = "# TYPE import_queue_lag_seconds gauge"
  for k = 0, 9 do
    lines[#lines + 1] = string.format('import_queue_lag_seconds{queue="q%d"} %.3f', k, math.random() * 10)
  end
  local path = string.format("/metrics/job/product.team%03d/instance/w%06d", n % 1000, n)
  return wrk.format(nil, path, nil, table.concat(lines, "\n") .. "\n")
end
