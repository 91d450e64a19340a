-- wrk script: rotates through the request paths listed, one per line, in the file named after `--`.
-- Each wrk thread has its own copy of this state, so each thread walks the whole list.
local paths = {}
local counter = 0
local threads = 0

function setup(thread)
  -- Runs in the main Lua state, once per thread: number the threads.
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  file:close()
  assert(#paths > 0, "no paths in " .. args[1])
  -- Start the threads at different places so they do not request the same page in step.
  counter = ((thread_number or 0) * 7919) % #paths
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
