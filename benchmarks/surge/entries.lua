-- Ballot entries through the API: each request a different account's bearer token,
-- passport, date of birth, client address and idempotency key (see common.lua).

dofile(os.getenv("SURGE_LUA_DIR") .. "/common.lua")

local path = "/api/v1/ballot-windows/" .. os.getenv("SURGE_WINDOW") .. "/entries"
local token_format = os.getenv("SURGE_TOKEN_FORMAT")
local passport_format = os.getenv("SURGE_PASSPORT_FORMAT")
local key_format = os.getenv("SURGE_KEY_FORMAT")
local nationality = os.getenv("SURGE_NATIONALITY")
local born_epoch = tonumber(os.getenv("SURGE_BORN_EPOCH"))
local birthdays = tonumber(os.getenv("SURGE_BIRTHDAYS"))

function request()
   local i = next_account()
   local born = os.date("!%Y-%m-%d", born_epoch + (i % birthdays) * 86400)
   local body = string.format(
      '{"passport_number": "%s", "nationality": "%s", "date_of_birth": "%s", '
         .. '"previous_participation": false}',
      string.format(passport_format, i), nationality, born
   )
   return wrk.format("POST", path, {
      ["Authorization"] = "Bearer " .. string.format(token_format, i),
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = string.format(key_format, i),
      ["X-Forwarded-For"] = address_of(i),
   }, body)
end

function response(status, _headers, body)
   count(status)
   if status >= 200 and status < 300 then
      acknowledge(status .. " " .. (string.match(body, '"ref"%s*:%s*"([^"]+)"') or "-"))
   else
      sample(status, body)
   end
end
