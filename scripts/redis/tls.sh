# Starts a TLS-only Redis on a free port with a throwaway CA (sourced by with-redis.sh). Needs lib.sh.

# ngr_start_tls DIR PORT: writes ca.pem, server.pem, server.key into DIR and starts the server.
ngr_start_tls() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ngr-test-ca" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 2 -extfile "$dir/san.ext" -out "$dir/server.pem" >/dev/null 2>&1
  ngr_start_server "$dir" 0 --tls-port "$port" --tls-cert-file "$dir/server.pem" \
    --tls-key-file "$dir/server.key" --tls-ca-cert-file "$dir/ca.pem" --tls-auth-clients no
  ngr_wait_ping "$port" --tls --cacert "$dir/ca.pem"
}
