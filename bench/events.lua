-- wrk script for the analytics beacon: POSTs a JSON batch to /a/events with a consent cookie that allows
-- performance cookies, as a different visitor each time (a pool of visitor ids, like many shoppers at once:
-- the per-visitor rate limit applies to each). Arguments after `--`: a file holding the consent cookie's value
-- and a file holding the JSON body.
local body = ""
local consent = ""
local visitors = {}
local counter = 0
local threads = 0
local POOL = 5000

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

local function slurp(path)
  local file = assert(io.open(path, "r"))
  local text = file:read("*a")
  file:close()
  return (text:gsub("%s+$", ""))
end

local function uuid4()
  local r = math.random
  return string.format("%04x%04x-%04x-4%03x-%x%03x-%04x%04x%04x",
    r(0, 0xffff), r(0, 0xffff), r(0, 0xffff), r(0, 0xfff), r(8, 11), r(0, 0xfff),
    r(0, 0xffff), r(0, 0xffff), r(0, 0xffff))
end

function init(args)
  consent = slurp(args[1])
  body = slurp(args[2])
  math.randomseed(1000 + (thread_number or 0))
  for i = 1, POOL do
    visitors[i] = uuid4()
  end
  counter = ((thread_number or 0) * 7919) % POOL
end

function request()
  counter = counter % POOL + 1
  local headers = {
    ["Content-Type"] = "text/plain;charset=UTF-8",
    ["Cookie"] = "allegra_consent=" .. consent .. "; allegra_visitor=" .. visitors[counter],
    ["User-Agent"] = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36",
  }
  return wrk.format("POST", "/a/events", headers, body)
end
