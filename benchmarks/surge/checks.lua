-- Share-code checks through the API: each request one of the seeded codes with its
-- holder's date of birth (a match), from a different client address (see common.lua).
-- The codes come from the file SURGE_CODES names, a "CODE|YYYY-MM-DD" line each.

dofile(os.getenv("SURGE_LUA_DIR") .. "/common.lua")

local codes = {}
for line in io.lines(os.getenv("SURGE_CODES")) do
   local code, born = string.match(line, "^(.-)|(.+)$")
   table.insert(codes, string.format(
      '{"share_code": "%s", "date_of_birth": "%s", "verifier": "Bench Ltd"}', code, born
   ))
end

function request()
   local i = next_account()
   return wrk.format("POST", "/api/v1/status-checks", {
      ["Content-Type"] = "application/json",
      ["X-Forwarded-For"] = address_of(i),
   }, codes[i % #codes + 1])
end

function response(status, _headers, body)
   count(status)
   local ref = string.match(body or "", '"check_reference"%s*:%s*"([^"]+)"')
   if status == 200 and string.match(body, '"match"%s*:%s*true') and ref then
      acknowledge(ref)
   else
      sample(status, body)
   end
end
