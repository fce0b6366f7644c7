#!/bin/sh
# autogen.sh: generate configure, Makefile.in and build-aux/ (with
# tap-driver.sh) from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
autoreconf -fi
