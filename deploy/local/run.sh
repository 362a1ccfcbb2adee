#!/usr/bin/env bash
# One command from nothing to a Ready HelloService on this machine (`npm start`):
#   1. the local cluster (`npm run cluster:up`: starts one, or reuses a healthy one); skipped when
#      KUBECONFIG is set: then that cluster is used as it is;
#   2. the HelloService CRD (server-side apply);
#   3. the operator, in the background, as this user's kubeconfig, leader election off, the
#      workload image the cluster has loaded (localhost/hello-workload:dev); logs in
#      .cluster/operator.log, its pid in .cluster/operator.pid (`kill $(cat .cluster/operator.pid)`);
#   4. examples/hello.yaml, then waits for Ready and shows `kubectl get hs`.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
STATE="$REPO/.cluster"
mkdir -p "$STATE"
say() { printf '[start] %s\n' "$*" >&2; }

if [[ -z ${KUBECONFIG:-} ]]; then
  say "starting (or reusing) the local cluster: npm run cluster:up"
  bash test/cluster/up.sh
  export KUBECONFIG="$STATE/kubeconfig"
fi
KUBECTL=$(node --input-type=module -e "import { kubectlPath } from './test/cluster/paths.ts'; process.stdout.write(kubectlPath())" 2>/dev/null || true)
[[ -x ${KUBECTL:-} ]] || KUBECTL=kubectl
k() { "$KUBECTL" "$@"; }

say "installing the CRD"
k apply --server-side --force-conflicts -f crds/hello.operators.dev_helloservices.yaml >/dev/null
k wait --for=condition=Established crd/helloservices.hello.operators.dev --timeout=60s >/dev/null

if [[ -f $STATE/operator.pid ]] && kill -0 "$(cat "$STATE/operator.pid")" 2>/dev/null; then
  say "the operator is already running (pid $(cat "$STATE/operator.pid"))"
else
  say "starting the operator (logs: .cluster/operator.log)"
  WORKLOAD_IMAGE=${WORKLOAD_IMAGE:-localhost/hello-workload:dev} nohup node operator/main.ts run \
    --leader-elect=false --metrics-bind-address=127.0.0.1:0 --health-probe-bind-address=127.0.0.1:0 \
    >"$STATE/operator.log" 2>&1 &
  echo $! >"$STATE/operator.pid"
fi

say "applying examples/hello.yaml"
k apply -f examples/hello.yaml >/dev/null
k wait --for=condition=Ready hs/hello --timeout=180s >/dev/null
k get hs hello
echo "URL (inside the cluster): $(k get hs hello -o jsonpath='{.status.url}')"
if [[ $KUBECONFIG == "$STATE/kubeconfig" ]]; then
  # The local cluster routes its Service range to the node's bridge: the ClusterIP answers here.
  ip=$(k get service hello -o jsonpath='{.spec.clusterIP}')
  say "from this machine: curl http://$ip/"
  # kube-proxy may still be writing the new endpoints: retry a refused connection for a while.
  curl -sS --max-time 5 --retry 20 --retry-delay 1 --retry-connrefused "http://$ip/"
  echo
fi
say "stop the operator with: kill \$(cat .cluster/operator.pid)"
