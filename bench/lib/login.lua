-- The login flow as a browser does it, one connection per wrk thread (run wrk with -c == -t):
--   1. GET /logga-in without cookies: a fresh CSRF cookie and the same token in the form;
--   2. POST /logga-in with that cookie, the token and the credentials.
-- BENCH_LOGIN_MODE=success: e-mail BENCH_EMAIL_PREFIX<n>@example.se (n cycles over BENCH_ACCOUNTS
--   existing customers) with BENCH_PASSWORD; a 303 to /kundavdelning counts as a login.
-- BENCH_LOGIN_MODE=wrong: a wrong password for a new address every time (storm-<thread>-<n>@…):
--   no per-account throttling, and the same scrypt work as a real account (dummy hash).
dofile(os.getenv("BENCH_LIB") .. "/report.lua")

local mode = os.getenv("BENCH_LOGIN_MODE") or "success"
local prefix = os.getenv("BENCH_EMAIL_PREFIX") or "login"
local accounts = tonumber(os.getenv("BENCH_ACCOUNTS") or "1")
local password = os.getenv("BENCH_PASSWORD") or ""
local thread_count = 0

function setup(thread)
   bench_register(thread)
   thread_count = thread_count + 1
   thread:set("thread_id", thread_count)
end

local function urlencode(text)
   return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
   step = "get"
   csrf_cookie = nil
   csrf_token = nil
   attempt = 0
   logins = 0
   failures = 0
   throttled = 0
   unexpected = 0
   unexpected_status = 0   -- the last unexpected answer's status (a GET without a token counts its own)
   pages = 0
end

function request()
   if step == "get" or csrf_token == nil then
      step = "get"
      return wrk.format("GET", "/logga-in", { ["Accept-Language"] = "sv" })
   end
   attempt = attempt + 1
   local email, secret
   if mode == "success" then
      email = string.format("%s%04d@example.se", prefix, ((thread_id - 1) + attempt * 7) % accounts)
      secret = password
   else
      email = string.format("storm-%d-%d-%d@example.se", thread_id, attempt, math.random(1, 1000000000))
      secret = "fel lösenord " .. attempt
   end
   local body = "email=" .. urlencode(email) .. "&password=" .. urlencode(secret) .. "&csrf_token=" .. urlencode(csrf_token)
   return wrk.format("POST", "/logga-in", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "portier_csrf=" .. csrf_cookie,
   }, body)
end

function response(status, headers, body)
   if step == "get" then
      pages = pages + 1
      local cookie = headers["Set-Cookie"] or headers["set-cookie"] or ""
      csrf_cookie = cookie:match("portier_csrf=([^;]+)")
      csrf_token = body:match('name="csrf_token" value="([^"]+)"')
      if csrf_cookie and csrf_token then step = "post" else unexpected = unexpected + 1; unexpected_status = status end
      return
   end
   if status == 303 then
      logins = logins + 1
   elseif status == 401 then
      failures = failures + 1
   elseif status == 429 then
      throttled = throttled + 1
   else
      unexpected = unexpected + 1
      unexpected_status = status
   end
   step = "get"
   csrf_token = nil
end

function bench_extra(seconds)
   local logins_total = bench_sum("logins")
   local failures_total = bench_sum("failures")
   return {
      logins = logins_total,
      logins_per_second = logins_total / seconds,
      wrong_password = failures_total,
      attempts_per_second = (logins_total + failures_total) / seconds,
      throttled = bench_sum("throttled"),
      unexpected = bench_sum("unexpected"),
      unexpected_status = bench_max("unexpected_status"),
      login_pages = bench_sum("pages"),
   }
end
