-- The baselines: GET /healthz, or POST a small body to the minimal insert-only
-- endpoint (SURGE_METHOD, SURGE_PATH), counting answers by status (see common.lua).

dofile(os.getenv("SURGE_LUA_DIR") .. "/common.lua")

local method = os.getenv("SURGE_METHOD") or "GET"
local path = os.getenv("SURGE_PATH") or "/healthz"
local passport_format = os.getenv("SURGE_PASSPORT_FORMAT") or "K%08d"

function request()
   local i = next_account()
   if method == "GET" then
      return wrk.format("GET", path, { ["X-Forwarded-For"] = address_of(i) })
   end
   local body = string.format(
      '{"passport_number": "%s", "nationality": "HK", "date_of_birth": "2001-04-03"}',
      string.format(passport_format, i)
   )
   return wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["X-Forwarded-For"] = address_of(i),
   }, body)
end

function response(status, _headers, _body)
   count(status)
end
