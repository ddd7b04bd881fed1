-- The seed's started/stopped pairs: each worker of the filled population is started, then stopped.
local common = dofile(os.getenv("WRK_DIR") .. "/common.lua")
common.requests("POST", "application/json", true)
local counter = 0
local current = 0

init = function(args)
  common.seed()
end

request = function()
  counter = counter + 1
  if counter % 2 == 1 then current = math.random(0, common.workers - 1) end
  local event = (counter % 2 == 0) and "stopped" or "started"
  local body = string.format('{"id":"w%06d","group":"product.team%03d","event":"%s","at":"now"}', current, current % common.groups, event)
  return wrk.format(nil, "/worker/state", nil, body)
end
