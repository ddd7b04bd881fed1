-- The seed's started/stopped pairs: each worker of the filled population is started, then stopped.
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
local counter = 0
local current = 0

init = function(args)
  seed()
end

request = function()
  counter = counter + 1
  if counter % 2 == 1 then current = math.random(0, workers - 1) end
  local event = (counter % 2 == 0) and "stopped" or "started"
  local body = string.format('{"id":"w%06d","group":"product.team%03d","event":"%s","at":"now"}', current, current % 1000, event)
  return wrk.format(nil, "/worker/state", nil, body)
end
