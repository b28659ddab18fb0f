#!/usr/bin/env bash
# Sets a stack's secret config from CI secrets, for self-managed backends (S3 or Azure Blob state): the
# stack's own secrets provider (awskms:// or azurekeyvault://, its encryptedkey committed in the stack
# file) encrypts each value into the runner's copy of stacks/Pulumi.<stack>.yaml, which is never pushed.
#
# Every key Pulumi.yaml declares with `secret: true` is read from SECRET_<KEY_IN_UPPER_SNAKE_CASE>
# (oncallEndpoints -> SECRET_ONCALL_ENDPOINTS); an empty one is skipped, since not every environment
# needs every key (the program fails naming the key if its environment does). Values travel on stdin,
# never on a command line or in the log.
set -euo pipefail
: "${STACK_NAME:?set STACK_NAME to the stack to configure}"
PYTHON="${PYTHON:-.venv/bin/python}"

keys=$("$PYTHON" -c 'import yaml
config = yaml.safe_load(open("Pulumi.yaml", encoding="utf-8")).get("config") or {}
print(" ".join(sorted(k for k, v in config.items() if isinstance(v, dict) and v.get("secret"))))')

pulumi stack select "$STACK_NAME"
for key in $keys; do
  variable="SECRET_$(printf '%s' "$key" | sed -E 's/([a-z0-9])([A-Z])/\1_\2/g' | tr '[:lower:]' '[:upper:]')"
  if [ -z "${!variable:-}" ]; then
    echo "secret config ${key}: ${variable} is empty, not set"
    continue
  fi
  printf '%s' "${!variable}" | pulumi config set --secret --stack "$STACK_NAME" "$key"
  echo "secret config ${key}: set from ${variable}"
done
