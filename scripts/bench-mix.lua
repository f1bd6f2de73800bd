-- wrk script of scripts/bench: readers of a busy news site. Each request picks one of the
-- bench's URLs (the file named after `--`, one path a line, most read first; written by
-- `manage.py bench_content --urls`) with a Zipf-like skew: rank r is chosen with probability
-- proportional to 1 / r^s (s = the second argument, default 1, the usual shape of news
-- traffic: the home page and a few stories take most of the reads, the long tail the rest).
--
--   wrk -s scripts/bench-mix.lua http://127.0.0.1:8000 -- urls.txt [s]
--
-- It also counts answers that are not 2xx (wrk's own count lets 3xx through) and prints
-- "bench-mix non-2xx: N" at the end.

local threads = {}

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

local paths, cumulative, total = {}, {}, 0
non2xx = 0 -- global: done() reads it from every thread

function init(args)
    local name = args[1]
    local file = assert(name and io.open(name, "r"), "usage: wrk -s bench-mix.lua URL -- URLFILE [s]")
    for line in file:lines() do
        if line ~= "" then
            paths[#paths + 1] = line
        end
    end
    file:close()
    assert(#paths > 0, "no URL in " .. name)
    local exponent = tonumber(args[2]) or 1.0
    for rank = 1, #paths do
        total = total + 1 / rank ^ exponent
        cumulative[rank] = total
    end
    math.randomseed(os.time() * 100 + (id or 0))
end

local function pick()
    local target = math.random() * total
    local low, high = 1, #paths
    while low < high do -- binary search: at most log2(#paths) steps
        local middle = math.floor((low + high) / 2)
        if cumulative[middle] < target then
            low = middle + 1
        else
            high = middle
        end
    end
    return paths[low]
end

function request()
    return wrk.format("GET", pick())
end

function response(status, headers, body)
    if status < 200 or status > 299 then
        non2xx = non2xx + 1
    end
end

function done(summary, latency, requests)
    local count = 0
    for _, thread in ipairs(threads) do
        count = count + (thread:get("non2xx") or 0)
    end
    io.write(string.format("bench-mix non-2xx: %d\n", count))
end
