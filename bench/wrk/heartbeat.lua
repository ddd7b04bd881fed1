-- POST /worker/state heartbeats over WORKERS workers (the seed's route, one event per request).
local workers = tonumber(os.getenv("WORKERS") or "10000")
local key = os.getenv("API_KEY") or "bench"
-- Each wrk thread draws its own sequence of workers.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

local function seed()
  math.randomseed(os.time() * 100 + (tonumber(wrk.thread:get("seed")) or 0))
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = key

init = function(args)
  seed()
end

request = function()
  local n = math.random(0, workers - 1)
  local body = string.format('{"id":"w%06d","group":"product.team%03d","event":"heartbeat","at":"now"}', n, n % 1000)
  return wrk.format(nil, "/worker/state", nil, body)
end
