#!/bin/sh
# Runs a Folio binary for help2man and turns its lower-case "usage:" block into the form
# help2man reads as a SYNOPSIS ("Usage: ..." then "  or: ..." lines).
# Usage: help2man-filter.sh BINARY --help|--version
bin="$1"; shift
"$bin" "$@" | sed -e 's/^usage: /Usage: /' -e 's/^       \([a-z]\)/  or:  \1/'
