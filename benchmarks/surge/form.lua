-- Ballot entries through the HTML form's last step (POST /ballots/{window}/confirm):
-- each request a different account's session cookie and CSRF token, the session
-- holding the answers the details step leaves there (see common.lua). The entry
-- is acknowledged by the 303 to the confirmation page.

dofile(os.getenv("SURGE_LUA_DIR") .. "/common.lua")

local path = "/ballots/" .. os.getenv("SURGE_WINDOW") .. "/confirm"
local cookie = os.getenv("SURGE_COOKIE")
local session_format = os.getenv("SURGE_SESSION_FORMAT")
local csrf_format = os.getenv("SURGE_CSRF_FORMAT")
local key_format = os.getenv("SURGE_KEY_FORMAT")

function request()
   local i = next_account()
   local body = string.format(
      "csrf_token=%s&idempotency_key=%s", string.format(csrf_format, i), string.format(key_format, i)
   )
   return wrk.format("POST", path, {
      ["Cookie"] = cookie .. "=" .. string.format(session_format, i),
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Forwarded-For"] = address_of(i),
   }, body)
end

function response(status, headers, body)
   local location = headers["location"] or headers["Location"] or ""
   if status == 303 and string.match(location, "/entered$") then
      count("entered")
      acknowledge("303 entered")
   else
      count(status)
      sample(status, location .. " " .. (body or ""))
   end
end
