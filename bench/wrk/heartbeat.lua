-- POST /worker/state heartbeats over WORKERS workers (the seed's route, one event per request); with
-- METRICS=5, each carries 5 numbers (3 gauges and 2 counters that grow).
local common = dofile(os.getenv("WRK_DIR") .. "/common.lua")
common.requests("POST", "application/json", true)
local with_metrics = os.getenv("METRICS") == "5"
local sent = 0

init = function(args)
  common.seed()
end

request = function()
  local n = math.random(0, common.workers - 1)
  local metrics = ""
  if with_metrics then
    sent = sent + 1
    metrics = string.format(',"metrics":{"queue_lag_seconds":%.2f,"batch_size":%d,"memory_bytes":%d,"rows_processed_total":%d,"errors_total":%d}',
      math.random() * 10, math.random(1, 500), math.random(1, 1000000000), sent * 10, math.floor(sent / 100))
  end
  local body = string.format('{"id":"w%06d","group":"product.team%03d","event":"heartbeat","at":"now"%s}', n, n % common.groups, metrics)
  return wrk.format(nil, "/worker/state", nil, body)
end
