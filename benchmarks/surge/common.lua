-- Shared by the surge benchmark's wrk scripts (loaded with dofile; wrk takes one script).
--
-- Everything comes from the environment, which benchmarks/surge.py sets: the
-- formats of tokens, passports and the rest are printf formats that Python uses
-- too, so the two sides agree on every account's credentials without a file.
-- Each thread counts answers by status and, when SURGE_ACKS names a folder,
-- writes one line per acknowledged request to its own file there, so that
-- surge.py can check the database against what clients were told. done()
-- prints one line, "SURGE-JSON {...}", for surge.py to read.

local function env(name, default)
   local value = os.getenv(name)
   if value == nil or value == "" then
      return default
   end
   return value
end

SURGE = {
   first = tonumber(env("SURGE_FIRST", "0")),
   count = tonumber(env("SURGE_COUNT", "1")),
   threads = tonumber(env("SURGE_THREADS", "1")),
   addresses = tonumber(env("SURGE_ADDRESS_OFFSET", "0")),
   env = env,
}

-- Pacing: a connection waits this many ms before each request (0: as fast as answered).
-- wrk looks for delay() when the script loads, so it is defined (or not) here.
local pause = tonumber(env("SURGE_DELAY_MS", "0"))
if pause > 0 then
   function delay()
      return pause
   end
end

local threads = {}
local made = 0

function setup(thread)
   thread:set("thread_id", made)
   made = made + 1
   table.insert(threads, thread)
end

function init(_args)
   counts = {}
   sent = 0
   local folder = env("SURGE_ACKS", nil)
   if folder ~= nil then
      acks = io.open(folder .. "/acks-" .. thread_id .. ".txt", "w")
      -- Line-buffered: what a client was told reaches the file even if wrk is killed.
      acks:setvbuf("line")
   end
end

-- The account this thread's next request is for: threads take turns through the
-- range, so no two requests of one run share an account until the range wraps.
function next_account()
   local k = thread_id + SURGE.threads * sent
   sent = sent + 1
   return SURGE.first + k % SURGE.count
end

-- A client address for account i, one of 2^24 in 10.0.0.0/8, shifted per run so a
-- rate limit per address sees each address a few times at most.
function address_of(i)
   local n = (SURGE.addresses + i) % 16777216
   return string.format("10.%d.%d.%d", math.floor(n / 65536), math.floor(n / 256) % 256, n % 256)
end

function count(status)
   counts[status] = (counts[status] or 0) + 1
end

-- The first few answers that were not acknowledgements, kept for surge.py to show.
local samples = 0
function sample(status, body)
   if acks ~= nil and samples < 3 then
      samples = samples + 1
      local file = io.open(SURGE.env("SURGE_ACKS", ".") .. "/refused-" .. thread_id .. ".txt", "a")
      file:write(status, " ", string.sub(string.gsub(body or "", "%s+", " "), 1, 300), "\n")
      file:close()
   end
end

function acknowledge(line)
   if acks ~= nil then
      acks:write(line, "\n")
   end
end

function done(summary, latency, _requests)
   local statuses, total_sent = {}, 0
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("counts") or {}) do
         local key = tostring(status)
         statuses[key] = (statuses[key] or 0) + n
      end
      total_sent = total_sent + (thread:get("sent") or 0)
   end
   local parts = {}
   for status, n in pairs(statuses) do
      table.insert(parts, string.format('"%s": %d', status, n))
   end
   local errors = summary.errors
   io.write(string.format(
      'SURGE-JSON {"seconds": %.6f, "requests": %d, "sent": %d, "statuses": {%s}, '
         .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, '
         .. '"latency_ms": {"p50": %.3f, "p95": %.3f, "p99": %.3f, "max": %.3f, "mean": %.3f}}\n',
      summary.duration / 1e6, summary.requests, total_sent, table.concat(parts, ", "),
      errors.connect, errors.read, errors.write, errors.timeout,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, latency.mean / 1000
   ))
end
