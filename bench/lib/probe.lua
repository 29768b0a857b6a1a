-- A latency probe: GET of one URL at a moderate, steady rate (BENCH_PROBE_DELAY_MS between the
-- requests of each connection), so the probe itself does not saturate the machine.
dofile(os.getenv("BENCH_LIB") .. "/report.lua")

local delay_ms = tonumber(os.getenv("BENCH_PROBE_DELAY_MS") or "20")

function setup(thread) bench_register(thread) end

function init(args)
   ok = 0
   bad = 0
end

function delay()
   return delay_ms
end

function response(status, headers, body)
   if status == 200 then ok = ok + 1 else bad = bad + 1 end
end

function bench_extra(seconds)
   return { ok = bench_sum("ok"), not_ok = bench_sum("bad") }
end
