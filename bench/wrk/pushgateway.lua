-- The peer: Prometheus Pushgateway receiving one push per worker heartbeat, over WORKERS workers.
local workers = tonumber(os.getenv("WORKERS") or "10000")
-- Each wrk thread draws its own sequence of workers.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

local function seed()
  math.randomseed(os.time() * 100 + (tonumber(wrk.thread:get("seed")) or 0))
end

wrk.method = "PUT"
wrk.headers["Content-Type"] = "text/plain; version=0.0.4"

init = function(args)
  seed()
end

request = function()
  local n = math.random(0, workers - 1)
  local path = string.format("/metrics/job/product.team%03d/instance/w%06d", n % 1000, n)
  local body = string.format("worker_last_heartbeat_timestamp_seconds %d\n", os.time())
  return wrk.format(nil, path, nil, body)
end
