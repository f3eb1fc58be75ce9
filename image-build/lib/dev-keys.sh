#!/usr/bin/env bash
# Creates the development signing keys in $1 when they are missing: a CA (the keyring the image trusts)
# and a signing certificate it issued. Never for production; never committed (.gitignore).
set -euo pipefail
dir=$1
[ -s "$dir/signing.key.pem" ] && [ -s "$dir/signing.cert.pem" ] && [ -s "$dir/ca.cert.pem" ] && exit 0
mkdir -p "$dir"
chmod 0700 "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -subj "/O=Multi-WAN appliance development/CN=Development CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout "$tmp/ca.key.pem" -out "$tmp/ca.cert.pem" 2>/dev/null
openssl req -newkey rsa:3072 -nodes -subj "/O=Multi-WAN appliance development/CN=Development firmware signing" \
  -keyout "$tmp/signing.key.pem" -out "$tmp/signing.csr" 2>/dev/null
# No extendedKeyUsage at all: RAUC refuses signers whose certificate says codeSigning.
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n' > "$tmp/signing.ext"
openssl x509 -req -days 3650 -in "$tmp/signing.csr" -CA "$tmp/ca.cert.pem" -CAkey "$tmp/ca.key.pem" -CAcreateserial \
  -extfile "$tmp/signing.ext" -out "$tmp/signing.cert.pem" 2>/dev/null
install -m 0600 "$tmp/ca.key.pem" "$tmp/signing.key.pem" "$dir/"
install -m 0644 "$tmp/ca.cert.pem" "$tmp/signing.cert.pem" "$dir/"
echo "development signing keys created in $dir"
