# Starts TLS-only Redis servers with a throwaway CA (sourced by with-redis.sh). Needs lib.sh.

# ngr_tls_cert DIR NAME CN: a key and a certificate signed by DIR's CA, valid for 127.0.0.1.
ngr_tls_cert() {
  local dir=$1 name=$2 cn=$3
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 2 -extfile "$dir/san.ext" -out "$dir/$name.pem" >/dev/null 2>&1
}

# ngr_start_tls DIR PORT [MTLS_PORT]: writes ca.pem, server.pem/.key and client.pem/.key into DIR,
# starts a TLS node on PORT (no client certificate asked) and, given MTLS_PORT, an mTLS node that
# refuses any client without a certificate signed by the CA.
ngr_start_tls() {
  local dir=$1 port=$2 mtls=${3:-}
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ngr-test-ca" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" >/dev/null 2>&1
  ngr_tls_cert "$dir" server 127.0.0.1
  ngr_tls_cert "$dir" client ngr-test-client
  local certs=(--tls-cert-file "$dir/server.pem" --tls-key-file "$dir/server.key" --tls-ca-cert-file "$dir/ca.pem")
  ngr_start_server "$dir" 0 --tls-port "$port" "${certs[@]}" --tls-auth-clients no
  ngr_wait_ping "$port" --tls --cacert "$dir/ca.pem"
  if [ -n "$mtls" ]; then
    ngr_start_server "$dir/mtls" 0 --tls-port "$mtls" "${certs[@]}" --tls-auth-clients yes
    ngr_wait_ping "$mtls" --tls --cacert "$dir/ca.pem" --cert "$dir/client.pem" --key "$dir/client.key"
  fi
}
