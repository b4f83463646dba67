#!/usr/bin/env bash
# Runs the storage-method tests (both faces, single node and cluster) as the minimal ACL user of
# docs/security.md. Run through scripts/redis/with-redis.sh, which creates that user (acl.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${NGR_TEST_ACL_REDIS_URL:?run through scripts/redis/with-redis.sh}" "${NGR_TEST_ACL_CLUSTER_URL:?}"
NGR_TEST_REDIS_URL=$NGR_TEST_ACL_REDIS_URL NGR_TEST_CLUSTER_URL=$NGR_TEST_ACL_CLUSTER_URL \
  .venv/bin/python -m pytest tests/test_storage_methods.py tests/test_security.py -v "$@"
