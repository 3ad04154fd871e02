# Shared by scripts/test, scripts/demo and scripts/bench: the pinned AWS emulator (moto's
# standalone server) and the pinned AWS CLI, each in a local virtual environment, installed
# on first use.

emulator_version="5.2.5"
emulator_venv="${LEFTOVER_VENV:-.venv}"

ensure_emulator() {
  local have
  have=$("$emulator_venv/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null || true)
  if [[ "$have" != "$emulator_version" ]]; then
    echo "==> installing the AWS emulator (moto[server]==$emulator_version) into $emulator_venv" >&2
    python3 -m venv "$emulator_venv"
    "$emulator_venv/bin/pip" install --quiet --disable-pip-version-check \
      -r tests/requirements/emulator.txt -c tests/requirements/emulator.lock.txt
  fi
  export LEFTOVER_MOTO_SERVER="$PWD/$emulator_venv/bin/moto_server"
}

aws_cli_version="1.46.2"
aws_cli_venv="${LEFTOVER_AWS_CLI_VENV:-.venv-awscli}"

# The pinned AWS CLI, for the test that runs a cleanup plan against the emulator. Its own
# virtual environment, so that its dependencies never move the emulator's.
ensure_aws_cli() {
  local have
  have=$("$aws_cli_venv/bin/aws" --version 2>&1 || true)
  if [[ "$have" != "aws-cli/$aws_cli_version "* ]]; then
    echo "==> installing the AWS CLI (awscli==$aws_cli_version) into $aws_cli_venv" >&2
    python3 -m venv "$aws_cli_venv"
    "$aws_cli_venv/bin/pip" install --quiet --disable-pip-version-check \
      -r tests/requirements/awscli.txt -c tests/requirements/awscli.lock.txt
  fi
  export LEFTOVER_AWS_CLI="$PWD/$aws_cli_venv/bin/aws"
}

# start_emulator LOGFILE: starts a server on a free loopback port; sets EMULATOR_URL and
# EMULATOR_PID. The caller stops it (stop_emulator) on exit.
start_emulator() {
  local log="$1" port
  port=$("$emulator_venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$LEFTOVER_MOTO_SERVER" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  EMULATOR_PID=$!
  EMULATOR_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 150); do
    if "$emulator_venv/bin/python" - "$EMULATOR_URL" <<'PY' 2>/dev/null; then return 0; fi
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json", timeout=1)
PY
    if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
      echo "the emulator exited; its log:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "the emulator did not answer on $EMULATOR_URL; see $log" >&2
  return 1
}

stop_emulator() {
  if [[ -n "${EMULATOR_PID:-}" ]]; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
}

# python-hcl2, pinned, in the same virtual environment: the tests parse the import blocks
# of `leftover plan adopt` with a second HCL parser, independent of the one that wrote them.
hcl2_version="8.1.4"

ensure_hcl2() {
  local have
  have=$("$emulator_venv/bin/python" -c 'import importlib.metadata as m; print(m.version("python-hcl2"))' 2>/dev/null || true)
  if [[ "$have" != "$hcl2_version" ]]; then
    echo "==> installing python-hcl2==$hcl2_version into $emulator_venv" >&2
    "$emulator_venv/bin/pip" install --quiet --disable-pip-version-check \
      -r tests/requirements/hcl2.txt -c tests/requirements/hcl2.lock.txt
  fi
  export LEFTOVER_HCL2_PYTHON="$PWD/$emulator_venv/bin/python"
}
