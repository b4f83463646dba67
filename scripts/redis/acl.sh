# The minimal ACL user of docs/security.md (sourced by with-redis.sh). Needs lib.sh.
#
# The commands: PING and CLIENT SETNAME (each connection, health check), CLUSTER INFO and CLUSTER SLOTS (topology discovery),
# GET and EXISTS (reads), ZRANGE (all_keys, drop, repair read the index), SCAN (repair finds values
# its index misses), EVAL (every write, count, all_keys, drop, repair run one Lua script per bucket),
# MULTI and EXEC (each bucket's upsert: plain SETs and the index script in one transaction, after a TYPE
# check), WAIT (wait_replicas), and inside the scripts TIME, TYPE (the index type check), SET, ZADD, ZSCORE,
# ZREMRANGEBYSCORE, PEXPIREAT, PEXPIRETIME, PERSIST, ZCOUNT, ZREM, UNLINK. Keys: the
# key prefix only (default nano_graphrag). No channels. AUTH is always allowed.
NGR_ACL_COMMANDS="+ping +client|setname +cluster|info +cluster|slots +get +exists +zrange +scan +eval +multi +exec +wait \
+time +type +set +zadd +zscore +zremrangebyscore +pexpireat +pexpiretime +persist +zcount +zrem +unlink"

# ngr_acl_user PORT USER PASSWORD KEY_PREFIX: creates or resets the user on one server. The password
# goes in as its SHA-256 (#hash), so it never appears in redis-cli's argv.
ngr_acl_user() {
  local port=$1 user=$2 password=$3 prefix=$4 hash
  hash=$(printf '%s' "$password" | sha256sum | cut -d' ' -f1)
  # shellcheck disable=SC2086 # the command list is meant to split into words
  redis-cli -p "$port" acl setuser "$user" reset on "#$hash" "~$prefix:*" resetchannels -@all \
    $NGR_ACL_COMMANDS >/dev/null
}
