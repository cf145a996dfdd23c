-- wrk script for POST /portal/diary. Run with as many threads as connections (-t N -c N): each
-- thread then has exactly one connection, so its requests are sequential and it can follow the
-- entry's revision (the diary refuses a stale revision with 409, by design). Thread i signs in
-- as line i of the credentials file: "cookie csrf_token revision date".

local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

function init(args)
  local n = 0
  for line in io.lines(args[1]) do
    n = n + 1
    if n == thread_id then
      cookie, csrf, revision, date = line:match("^(%S+) (%S+) (%S+) (%S+)$")
    end
  end
  revision = tonumber(revision) or 0
  seq = 0
end

function request()
  seq = seq + 1
  local body = "csrf_token=" .. csrf .. "&date=" .. date .. "&revision=" .. revision ..
    "&note=bench+write+" .. seq .. "&triggers=&sev_fatigue=" .. (seq % 10 + 1) ..
    "&tod_fatigue=day"
  return wrk.format("POST", "/portal/diary", {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function response(status, headers, body)
  if status == 303 then
    revision = revision + 1
  else
    -- A refused form comes back with the entry's current revision: carry on from there (the
    -- refusal itself still counts as an error).
    local current = body:match('name="revision" value="(%d+)"')
    if current then revision = tonumber(current) end
  end
end

dofile(os.getenv("BENCH_DIR") .. "/report.lua")
