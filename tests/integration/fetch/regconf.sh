#!/bin/bash
# regconf.sh PORT STORAGE [HTPASSWD]: a docker-registry config.yml on stdout
# listening on 127.0.0.1:PORT only, storing under STORAGE, with Basic auth
# from the HTPASSWD file when one is given.
set -eu
cat <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $2
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$1
YML
if [ $# -ge 3 ]; then
	cat <<YML
auth:
  htpasswd:
    realm: kiln-test
    path: $3
YML
fi
