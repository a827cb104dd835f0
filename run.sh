#!/bin/sh
# One entry point for a fresh Debian machine with Python 3: sets up what is missing, then runs.
#   ./run.sh demo [FOLDER | -o FOLDER] [--force]   the whole job on a bundled example (no LibreOffice needed)
#   ./run.sh test    the whole test suite (installs LibreOffice Calc if missing)
#   ./run.sh bench   the benchmarks
set -eu
cd "$(dirname "$0")"
VENV="${VENV:-.venv}"

setup_python() {
  if [ ! -x "$VENV/bin/piano-xlsx" ] || [ setup.cfg -nt "$VENV/bin/piano-xlsx" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q -e '.[test]'
    touch "$VENV/bin/piano-xlsx"
    say_how_to_run
  fi
}

say_how_to_run() {
  # The command lives in the virtual environment: say how to reach it from any shell.
  case "$VENV" in /*) venv="$VENV" ;; *) venv="$(pwd)/$VENV" ;; esac
  cat >&2 <<EOF

Installazione completata. Il comando piano-xlsx si trova in $venv/bin/piano-xlsx
  - per usarlo in questa shell:   . "$venv/bin/activate"   (poi: piano-xlsx --help)
  - oppure con il percorso:       "$venv/bin/piano-xlsx" --help
  - oppure, per averlo sempre:    pipx install "$(pwd)"   (poi, in ogni nuova shell: piano-xlsx --help)

EOF
}

setup_debian() {
  # LibreOffice Calc and Gnumeric recalculate workbooks in tests (python3-uno drives Calc in an Italian locale);
  # poppler renders PDFs; Chromium renders HTML and drives the web app (chromium-l10n: its own controls in
  # Italian, as in the HR office's browser).
  if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
     || ! command -v chromium >/dev/null 2>&1 || ! command -v ssconvert >/dev/null 2>&1 \
     || [ ! -f /usr/lib/chromium/locales/it.pak ] || ! /usr/bin/python3 -c "import uno" >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      libreoffice-calc-nogui python3-uno gnumeric poppler-utils chromium chromium-l10n fonts-crosextra-carlito \
      >/dev/null
  fi
}

case "${1:-}" in
  demo)
    setup_python; shift
    # a folder given first, as in "./run.sh demo mydir", is the output folder; options pass through
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then folder="$1"; shift; set -- -o "$folder" "$@"; fi
    exec "$VENV/bin/piano-xlsx" demo "$@" ;;
  test) setup_debian; setup_python; shift; exec "$VENV/bin/python" -m pytest -q "$@" ;;
  bench) setup_python; shift; exec "$VENV/bin/python" benchmarks/run_all.py "$@" ;;
  *) echo "uso: ./run.sh demo [CARTELLA] | test | bench" >&2; exit 2 ;;
esac
