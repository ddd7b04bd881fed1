-- POST /events with BATCH heartbeat events per request (NDJSON), over WORKERS workers.
local workers = tonumber(os.getenv("WORKERS") or "10000")
local batch = tonumber(os.getenv("BATCH") or "500")
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
wrk.headers["Content-Type"] = "application/x-ndjson"
wrk.headers["X-API-Key"] = key
local bodies = {}

init = function(args)
  seed()
  for b = 1, 16 do
    local lines = {}
    local start = math.random(0, workers - 1)
    for i = 0, batch - 1 do
      local n = (start + i) % workers
      lines[#lines + 1] = string.format('{"id":"w%06d","group":"product.team%03d","event":"heartbeat"}', n, n % 1000)
    end
    bodies[b] = table.concat(lines, "\n")
  end
end

local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, "/events", nil, bodies[counter % #bodies + 1])
end
