-- POST /worker/state heartbeats over WORKERS workers (the seed's route, one event per request).
local common = dofile(os.getenv("WRK_DIR") .. "/common.lua")
common.requests("POST", "application/json", true)

init = function(args)
  common.seed()
end

request = function()
  local n = math.random(0, common.workers - 1)
  local body = string.format('{"id":"w%06d","group":"product.team%03d","event":"heartbeat","at":"now"}', n, n % 1000)
  return wrk.format(nil, "/worker/state", nil, body)
end
