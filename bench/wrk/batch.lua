-- POST /events with BATCH heartbeat events per request (NDJSON), over WORKERS workers.
local common = dofile(os.getenv("WRK_DIR") .. "/common.lua")
common.requests("POST", "application/x-ndjson", true)
local batch = tonumber(os.getenv("BATCH") or "500")
local bodies = {}

init = function(args)
  common.seed()
  for b = 1, 16 do
    local lines = {}
    local start = math.random(0, common.workers - 1)
    for i = 0, batch - 1 do
      local n = (start + i) % common.workers
      lines[#lines + 1] = string.format('{"id":"w%06d","group":"product.team%03d","event":"heartbeat"}', n, n % common.groups)
    end
    bodies[b] = table.concat(lines, "\n")
  end
end

local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, "/events", nil, bodies[counter % #bodies + 1])
end
