-- Shared by every wrk run of bench/: prints one machine-readable line at the end.
--   BENCHJSON {"rps": …, "p50_ms": …, "p99_ms": …, …}
-- A scenario script that wants extra fields defines `bench_extra()` returning a table of numbers
-- (it is called in the main Lua state after the run, after `bench_collect` gathered thread values).

bench_threads = {}

function bench_register(thread)
   table.insert(bench_threads, thread)
end

local function number_or_zero(value)
   if type(value) == "number" then return value end
   return 0
end

-- Sums a per-thread global (set with `name = …` inside the thread's Lua state) over all threads.
function bench_sum(name)
   local total = 0
   for _, thread in ipairs(bench_threads) do
      total = total + number_or_zero(thread:get(name))
   end
   return total
end

-- The largest value of a per-thread global over all threads.
function bench_max(name)
   local largest = 0
   for _, thread in ipairs(bench_threads) do
      largest = math.max(largest, number_or_zero(thread:get(name)))
   end
   return largest
end

function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local errors = summary.errors
   local fields = {
      string.format('"requests": %d', summary.requests),
      string.format('"duration_s": %.3f', seconds),
      string.format('"rps": %.2f', summary.requests / seconds),
      string.format('"bytes": %d', summary.bytes),
      string.format('"p50_ms": %.3f', latency:percentile(50) / 1000),
      string.format('"p90_ms": %.3f', latency:percentile(90) / 1000),
      string.format('"p99_ms": %.3f', latency:percentile(99) / 1000),
      string.format('"max_ms": %.3f', latency.max / 1000),
      string.format('"mean_ms": %.3f', latency.mean / 1000),
      string.format('"connect_errors": %d', errors.connect),
      string.format('"read_errors": %d', errors.read),
      string.format('"write_errors": %d', errors.write),
      string.format('"status_errors": %d', errors.status),
      string.format('"timeouts": %d', errors.timeout),
   }
   if bench_extra then
      for key, value in pairs(bench_extra(seconds)) do
         table.insert(fields, string.format('"%s": %.3f', key, value))
      end
   end
   io.write("BENCHJSON {" .. table.concat(fields, ", ") .. "}\n")
end

-- Plain runs (no scenario script) still register threads so counters work uniformly.
if not setup then
   function setup(thread) bench_register(thread) end
end
