-- The seed's started/stopped pairs over WORKERS workers.
local workers = tonumber(os.getenv("WORKERS") or "10000")
local key = os.getenv("API_KEY") or "bench"
math.randomseed(os.time() + 1)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = key
local counter = 0

request = function()
  counter = counter + 1
  local n = math.random(0, workers - 1)
  local event = (counter % 2 == 0) and "stopped" or "started"
  local body = string.format('{"id":"s%06d","group":"seed.importer","event":"%s","at":"now"}', n, event)
  return wrk.format(nil, "/worker/state", nil, body)
end
