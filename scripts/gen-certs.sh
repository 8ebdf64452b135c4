#!/usr/bin/env bash
# Issues the certificates of one GiantVM deployment from its own private CA (openssl, ECDSA P-256).
# Every certificate carries exactly one identity as a SAN URI (SPIFFE style); see docs/security.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/gen-certs.sh --out DIR [--vm NAME[,NAME...]] [--hosts N] [--members NAME[@ADDR],...]
                            [--operators A,...] [--viewers B,...] [--days D] [--force]

Writes into DIR (PEM; keys mode 0600):
  ca.crt, ca.key                   the deployment's CA (reused when present; --force makes a new one)
  host-<vm>-<k>.crt/.key           spiffe://giantvm/vm/<vm>/host/<k>   for k = 0 .. N-1, per --vm
  guest-<vm>.crt/.key              spiffe://giantvm/vm/<vm>/guest      per --vm
  coordinator-<member>.crt/.key    spiffe://giantvm/coordinator/<member>, also DNS/IP SANs for ADDR
                                   (default: localhost and 127.0.0.1) so clients verify the server name
  operator-<name>.crt/.key         spiffe://giantvm/operator/<name>    (every admin verb)
  viewer-<name>.crt/.key           spiffe://giantvm/viewer/<name>      (read-only verbs)

Options:
  --out DIR        where the files go (created if missing)
  --vm NAMES       GiantVM instances (comma-separated) to issue host and guest identities for
  --hosts N        host agents per instance (virtual NUMA nodes 0..N-1) [default: 4]
  --members LIST   coordinator members, NAME or NAME@ADDR (ADDR a DNS name or an IP; repeatable
                   by comma: a@10.0.0.1,b@coord-b.example)
  --operators LIST operator identities;  --viewers LIST viewer identities
  --days D         validity of the issued certificates in days [default: 825]
  --force          replace an existing CA (every certificate issued by the old one stops working)
  -h, --help       this text

Re-running with an existing CA reuses it (add a host, a member or an operator later); an existing
certificate of the same identity is replaced.
EOF
}

die() { echo "gen-certs: $*" >&2; exit 2; }
# Names become file names and URI path segments: letters, digits, '.', '_', '-'.
check_name() { [[ "$2" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]] || die "$1 '$2' must be letters, digits, '.', '_' or '-' (at most 63)"; }
split() { tr ',' '\n' <<<"$1" | sed '/^$/d'; }

out="" vms="" hosts=4 members="" operators="" viewers="" days=825 force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --vm) vms=${2:?--vm needs names}; shift 2 ;;
    --hosts) hosts=${2:?--hosts needs a number}; shift 2 ;;
    --members) members=${2:?--members needs names}; shift 2 ;;
    --operators) operators=${2:?--operators needs names}; shift 2 ;;
    --viewers) viewers=${2:?--viewers needs names}; shift 2 ;;
    --days) days=${2:?--days needs a number}; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done

[ -n "$out" ] || { usage >&2; die "--out is required"; }
[[ "$hosts" =~ ^[0-9]+$ ]] && [ "$hosts" -ge 1 ] && [ "$hosts" -le 64 ] || die "--hosts must be 1-64 (got '$hosts')"
[[ "$days" =~ ^[0-9]+$ ]] && [ "$days" -ge 1 ] || die "--days must be a whole number >= 1 (got '$days')"
[ -n "$vms$members$operators$viewers" ] || die "nothing to issue: give --vm, --members, --operators or --viewers"
command -v openssl >/dev/null 2>&1 || die "openssl is required (apt-get install openssl, or scripts/deps.sh)"


for vm in $(split "$vms"); do check_name "--vm name" "$vm"; done
for spec in $(split "$members"); do check_name "member" "${spec%%@*}"; done
for name in $(split "$operators"); do check_name "operator" "$name"; done
for name in $(split "$viewers"); do check_name "viewer" "$name"; done

mkdir -p "$out"
umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -e "$out/ca.key" ] && [ $force -eq 0 ]; then
  [ -e "$out/ca.crt" ] || die "$out/ca.key exists without ca.crt; use --force to make a new CA"
  echo "gen-certs: reusing the CA in $out (--force makes a new one)" >&2
else
  openssl ecparam -name prime256v1 -genkey -noout -out "$out/ca.key"
  openssl req -x509 -new -key "$out/ca.key" -sha256 -days $((days + 365)) -subj "/O=GiantVM/CN=GiantVM deployment CA" \
    -addext "basicConstraints=critical,CA:true,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$out/ca.crt" 2>/dev/null
  chmod 600 "$out/ca.key"; chmod 644 "$out/ca.crt"
  echo "gen-certs: new CA $out/ca.crt" >&2
fi

# issue FILE-BASE URI CN EXTENDED-USAGE [EXTRA-SANS]
issue() {
  local base=$1 uri=$2 cn=$3 usage=$4 extra=${5:-}
  local san="URI:$uri${extra:+,$extra}"
  openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/key.pem"
  openssl pkcs8 -topk8 -nocrypt -in "$tmp/key.pem" -out "$out/$base.key"
  openssl req -new -key "$out/$base.key" -subj "/O=GiantVM/CN=$cn" -out "$tmp/req.csr"
  cat > "$tmp/ext.cnf" <<EOF
basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature,keyAgreement
extendedKeyUsage=$usage
subjectAltName=$san
EOF
  openssl x509 -req -in "$tmp/req.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -CAserial "$tmp/ca.srl" \
    -days "$days" -sha256 -extfile "$tmp/ext.cnf" -out "$out/$base.crt" 2>/dev/null
  chmod 600 "$out/$base.key"; chmod 644 "$out/$base.crt"
  echo "$out/$base.crt  $uri" 
}

count=0
for vm in $(split "$vms"); do
  check_name "--vm name" "$vm"
  for ((k = 0; k < hosts; k++)); do
    issue "host-$vm-$k" "spiffe://giantvm/vm/$vm/host/$k" "host $k of $vm" clientAuth; count=$((count + 1))
  done
  issue "guest-$vm" "spiffe://giantvm/vm/$vm/guest" "guest of $vm" clientAuth; count=$((count + 1))
done

for spec in $(split "$members"); do
  name=${spec%%@*}
  check_name "member" "$name"
  sans="DNS:localhost,IP:127.0.0.1"
  if [[ "$spec" == *@* ]]; then
    addr=${spec#*@}
    [ -n "$addr" ] || die "member '$spec': empty address after '@'"
    if [[ "$addr" =~ ^[0-9.]+$ || "$addr" == *:* ]]; then sans="IP:$addr"; else sans="DNS:$addr"; fi
  fi
  issue "coordinator-$name" "spiffe://giantvm/coordinator/$name" "coordinator $name" serverAuth,clientAuth "$sans"
  count=$((count + 1))
done

for name in $(split "$operators"); do
  check_name "operator" "$name"; issue "operator-$name" "spiffe://giantvm/operator/$name" "operator $name" clientAuth; count=$((count + 1))
done
for name in $(split "$viewers"); do
  check_name "viewer" "$name"; issue "viewer-$name" "spiffe://giantvm/viewer/$name" "viewer $name" clientAuth; count=$((count + 1))
done

echo "gen-certs: $count certificate(s) in $out, valid $days days, from $out/ca.crt" >&2
