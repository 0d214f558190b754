#!/usr/bin/env bash
# Install the Debian packages the course needs. Only what is missing is installed; where apt
# cannot be used, say exactly what is missing and fail.
#
#   scripts/sysdeps.sh          what grading's sandbox, the PostgreSQL test and the browser
#                               test need (make sysdeps)
#   scripts/sysdeps.sh venv     only what `python -m venv` needs for $PYTHON (make venv):
#                               Debian and Ubuntu ship ensurepip in python3-venv
#
# SYSDEPS_DRY_RUN=1 prints what would be installed and installs nothing.
set -euo pipefail

need=()
case "${1:-all}" in
  venv)
    python="${PYTHON:-python3}"
    if ! "$python" -c 'import ensurepip' >/dev/null 2>&1; then
      real="$(readlink -f "$(command -v "$python" || echo "$python")")"
      if command -v dpkg >/dev/null && dpkg -S "$real" >/dev/null 2>&1; then
        # The distribution's own interpreter: its venv package is python3.X-venv
        # (python3-venv for the default python3).
        if [ "$real" = "$(readlink -f /usr/bin/python3 2>/dev/null)" ]; then
          need+=(python3-venv)
        else
          need+=("python$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv")
        fi
      else
        echo "$python has no venv module (ensurepip) and is not a Debian package;" \
             "reinstall it with ensurepip or choose another PYTHON (e.g. /usr/bin/python3)." >&2
        exit 1
      fi
    fi
    ;;
  all)
    command -v bwrap >/dev/null || need+=(bubblewrap)
    command -v chromium >/dev/null || need+=(chromium)
    command -v npm >/dev/null || need+=(npm)  # axe-core for the accessibility browser test
    ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
    command -v prlimit >/dev/null || need+=(util-linux)
    command -v setpriv >/dev/null || need+=(util-linux)
    command -v pdftotext >/dev/null || need+=(poppler-utils)
    # Certificates print names in any script (negotiation_course.grading.fonts finds them by path).
    [ -e /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ] || need+=(fonts-noto-core)
    [ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
    [ -e /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] || need+=(fonts-symbola)
    [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
    ;;
  *)
    echo "usage: $0 [all|venv]" >&2
    exit 2
    ;;
esac

[ ${#need[@]} -eq 0 ] && exit 0

if [ -n "${SYSDEPS_DRY_RUN:-}" ]; then
  echo "Would install system packages: ${need[*]}"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${need[*]}." >&2
  echo "Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
