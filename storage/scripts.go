package storage

import "github.com/redis/go-redis/v9"

// Lua scripts, one per bucket-level change. Each declares EVERY key it
// touches in KEYS (all in one slot thanks to the {ns:b} tag): Redis 7
// refuses undeclared keys while a slot migrates, and a script that fails
// half-way is not rolled back. Each takes the time from the server (TIME),
// so that value expiry and index score agree exactly, whatever the clients'
// clocks say. Scripts are sent with EVAL inside ordinary pipelines: the body
// is small next to the values, and EVAL never hits NOSCRIPT after a restart
// or a failover.

// luaNow is the server time in milliseconds, as a number.
const luaNow = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

// luaCheckIndex refuses to run a script whose index key (KEYS[1]) holds
// something other than a sorted set (written by another program), BEFORE the
// script changes anything: Lua scripts are not rolled back, and a ZADD that
// fails after the SETs would leave values the index does not list.
const luaCheckIndex = `local kind = redis.call('TYPE', KEYS[1])['ok']
if kind ~= 'zset' and kind ~= 'none' then
  return redis.error_reply('WRONGTYPE index key ' .. KEYS[1] .. ' holds a ' .. kind ..
    ', not a sorted set; nothing was changed in its bucket. Delete that key, then run repair()')
end
`

// indexScript: KEYS = index, then (only with a TTL) the bucket's value keys
// just SET in the same MULTI; ARGV = ttl_ms, then the ids. The values
// themselves travel as plain SET arguments in that MULTI (upsert.go): turned
// into Lua strings they cost the server most of an upsert. Values expire at
// now+ttl (PEXPIREAT) and the index scores them with the same number; +inf
// without TTL (a plain SET already cleared any old expiry). Every id gets
// the same score, so the index takes one ZADD per 2000 ids rather than one
// per id (unpack stays far below Lua's 8000-value C stack). Expired index
// entries are trimmed, and the index itself lives as long as its newest value.
var indexScript = redis.NewScript(luaNow + `
local ttl = tonumber(ARGV[1])
local score = '+inf'
if ttl > 0 then
  score = string.format('%.0f', now + ttl)
  for i = 2, #KEYS do redis.call('PEXPIREAT', KEYS[i], score) end
end
local members, n = {}, 0
for i = 2, #ARGV do
  members[n + 1], members[n + 2], n = score, ARGV[i], n + 2
  if n == 4000 then
    redis.call('ZADD', KEYS[1], unpack(members, 1, n))
    n = 0
  end
end
if n > 0 then redis.call('ZADD', KEYS[1], unpack(members, 1, n)) end
if ttl > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%.0f', now))
  redis.call('PEXPIREAT', KEYS[1], score)
else
  redis.call('PERSIST', KEYS[1])
end
return #ARGV - 1
`)

// countScript: KEYS = index. Live ids are those scored at or after now.
var countScript = redis.NewScript(luaNow + `
return redis.call('ZCOUNT', KEYS[1], string.format('%.0f', now), '+inf')
`)

// liveMembersScript: KEYS = index. The ids of live values.
var liveMembersScript = redis.NewScript(luaNow + `
return redis.call('ZRANGE', KEYS[1], string.format('%.0f', now), '+inf', 'BYSCORE')
`)

// removeScript: KEYS = index, value keys...; ARGV = onlyMissing flag, then
// the id of each value key. Unlinks each value (unless onlyMissing, used by
// Repair, where only ids whose value is gone are dropped from the index) and
// removes the id from the index. Returns the number of live values unlinked
// (Drop) or of index entries removed (Repair).
var removeScript = redis.NewScript(luaCheckIndex + `
local onlyMissing = ARGV[1] == '1'
local n = 0
for i = 2, #KEYS do
  if onlyMissing then
    if redis.call('EXISTS', KEYS[i]) == 0 then
      n = n + redis.call('ZREM', KEYS[1], ARGV[i])
    end
  else
    n = n + redis.call('UNLINK', KEYS[i])
    redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return n
`)

// reindexScript: KEYS = index, value keys...; ARGV = the id of each value
// key. Lists in the index every id whose value exists but is not listed
// (the index was deleted or damaged), scored with the value's own expiry, and
// keeps the index alive as long as its newest value. Returns how many ids
// it added.
var reindexScript = redis.NewScript(luaCheckIndex + `
local indexExpiry = redis.call('PEXPIRETIME', KEYS[1])
local added, newest, forever = 0, -1, false
for i = 2, #KEYS do
  local at = redis.call('PEXPIRETIME', KEYS[i])
  if at ~= -2 and not redis.call('ZSCORE', KEYS[1], ARGV[i - 1]) then
    local score = '+inf'
    if at == -1 then forever = true else
      score = string.format('%.0f', at)
      if at > newest then newest = at end
    end
    added = added + redis.call('ZADD', KEYS[1], score, ARGV[i - 1])
  end
end
if added > 0 then
  if forever or indexExpiry == -1 then
    redis.call('PERSIST', KEYS[1])
  elseif newest > indexExpiry then
    redis.call('PEXPIREAT', KEYS[1], newest)
  end
end
return added
`)
