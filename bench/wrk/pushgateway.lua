-- The peer: Prometheus Pushgateway receiving one push per worker heartbeat, over WORKERS workers.
local common = dofile(os.getenv("WRK_DIR") .. "/common.lua")
common.requests("PUT", "text/plain; version=0.0.4", false)

init = function(args)
  common.seed()
end

request = function()
  local n = math.random(0, common.workers - 1)
  local path = string.format("/metrics/job/product.team%03d/instance/w%06d", n % 1000, n)
  local body = string.format("worker_last_heartbeat_timestamp_seconds %d\n", os.time())
  return wrk.format(nil, path, nil, body)
end
