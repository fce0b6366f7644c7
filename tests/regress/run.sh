#!/usr/bin/env bash
# tests/regress/run.sh: the corpus test (tests/corpus/run.sh) over the
# regression captures of this folder.  TAP on stdout.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 99
CORPUS_DIR=$here exec bash "$here/../corpus/run.sh" "$@"
