-- POST /worker/state heartbeats at RATE requests a second in all (each of THREADS wrk threads sends its part on a
-- schedule), each thread going round its own share of WORKERS workers in order: every worker is heard from once
-- every WORKERS / RATE seconds, as a fleet heartbeating on a period is. When the server answers too slowly to keep
-- to the schedule, the rate falls (wrk reports what was sent).
local common = dofile(os.getenv("WRK_DIR") .. "/common.lua")
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } paced_timespec;
int clock_gettime(int clock, paced_timespec *now);
]]
common.requests("POST", "application/json", true)
local rate = tonumber(os.getenv("RATE"))
local thread_count = tonumber(os.getenv("THREADS") or "2")
local interval, share, first, sent, next_at
local now = ffi.new("paced_timespec")

local function milliseconds()
  ffi.C.clock_gettime(1, now) -- CLOCK_MONOTONIC
  return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
end

init = function(args)
  local index = tonumber(wrk.thread:get("seed")) - 1
  share = math.floor(common.workers / thread_count)
  first = index * share
  if index == thread_count - 1 then share = common.workers - first end -- the last thread takes the remainder
  interval = 1000 * thread_count / rate
  sent = 0
end

-- The wait before this thread's next request: its slot on the schedule (a thread that fell behind by more than a
-- second starts the schedule again instead of bursting to catch up).
delay = function()
  local at = milliseconds()
  if next_at == nil or next_at < at - 1000 then next_at = at end
  next_at = next_at + interval
  return math.max(0, math.floor(next_at - at))
end

request = function()
  local n = first + sent % share
  sent = sent + 1
  local body = string.format('{"id":"w%06d","group":"product.team%03d","event":"heartbeat","at":"now"}', n, n % common.groups)
  return wrk.format(nil, "/worker/state", nil, body)
end
