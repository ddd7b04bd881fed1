-- Shared by the scenario scripts (loaded with dofile; run.py sets WRK_DIR): each wrk thread draws its
-- own random sequence, and requests carry the API key.
local common = {}
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function common.seed()
  math.randomseed(os.time() * 100 + (tonumber(wrk.thread:get("seed")) or 0))
end

-- Sets the method and headers of every request; `content_type` is the body's type.
function common.requests(method, content_type, with_key)
  wrk.method = method
  wrk.headers["Content-Type"] = content_type
  if with_key then
    wrk.headers["X-API-Key"] = os.getenv("API_KEY") or "bench"
  end
end

common.workers = tonumber(os.getenv("WORKERS") or "10000")
-- Worker n is in group product.team<n mod GROUPS>, as bench/run.py's fill puts it.
common.groups = tonumber(os.getenv("GROUPS") or "1000")
return common
