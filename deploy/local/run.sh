#!/usr/bin/env bash
# One command from nothing to a Ready HelloService served by the operator installed in-cluster
# (`npm start`). Safe to rerun: every step applies what should be, and changes nothing that is.
#   1. with no KUBECONFIG: the local cluster (`npm run cluster:up`: starts one or reuses a healthy
#      one, and builds and loads localhost/hello-{workload,operator}:dev); with KUBECONFIG set, that
#      cluster as it is;
#   2. the operator, in-cluster: `kubectl apply --server-side -k` deploy/local (the :dev images,
#      watching the `default` namespace only, so it never meets the HelloServices of `npm test`) on the
#      local cluster, deploy/ (the release images, all namespaces) on yours; HELLO_DEPLOY=DIR picks
#      another kustomization; then waits for the rollout;
#   3. examples/hello.yaml in `default`, waits for Ready, shows `kubectl get hs`, the URL and a curl.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
STATE="$REPO/.cluster"
NS=hello-operator-system
mkdir -p "$STATE"
say() { printf '[start] %s\n' "$*" >&2; }

local_cluster=false
if [[ -z ${KUBECONFIG:-} ]]; then
  say "starting (or reusing) the local cluster and loading our images: npm run cluster:up"
  bash test/cluster/up.sh
  export KUBECONFIG="$STATE/kubeconfig"
  local_cluster=true
fi
KUBECTL=$(node --input-type=module -e "import { kubectlPath } from './test/cluster/paths.ts'; process.stdout.write(kubectlPath())" 2>/dev/null || true)
[[ -x ${KUBECTL:-} ]] || KUBECTL=kubectl
k() { "$KUBECTL" "$@"; }

# Earlier versions of this script ran the operator as a local process: it would fight the one
# installed now.
if [[ -f $STATE/operator.pid ]]; then
  pid=$(cat "$STATE/operator.pid")
  if kill -0 "$pid" 2>/dev/null && grep -q 'operator/main.ts' "/proc/$pid/cmdline" 2>/dev/null; then
    say "stopping the operator process an earlier npm start left running (pid $pid)"
    kill "$pid"
  fi
  rm -f "$STATE/operator.pid"
fi

deploy=${HELLO_DEPLOY:-$($local_cluster && echo deploy/local || echo deploy)}
say "installing the operator: kubectl apply --server-side -k $deploy"
source=$deploy
if $local_cluster; then
  # The :dev tag stays the same when the code changes: stamp the bundle's hash on the pod template
  # so that a rebuilt operator rolls out, and an unchanged one does not. Stamped in the applied
  # objects (an overlay of $deploy): patched in afterwards, a first install rolled out twice.
  sum=$(sha256sum dist/operator/main.mjs | cut -c1-16)
  source=$(mktemp -d)
  trap 'rm -rf "$source"' EXIT
  # kustomize takes a base only by a relative path.
  cat >"$source/kustomization.yaml" <<EOF
resources:
  - $(realpath --relative-to="$source" "$REPO/$deploy")
patches:
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: hello-operator
        namespace: $NS
      spec:
        template:
          metadata:
            annotations:
              hello.operators.dev/bundle-sha256: "$sum"
EOF
fi
k apply --server-side --force-conflicts -k "$source" >/dev/null
k wait --for=condition=Established crd/helloservices.hello.operators.dev --timeout=60s >/dev/null
image=$(k -n "$NS" get deployment hello-operator -o jsonpath='{.spec.template.spec.containers[0].image}')
say "waiting for the operator's rollout (image $image)"
if ! k -n "$NS" rollout status deployment/hello-operator --timeout=180s >&2; then
  say "the operator did not become ready: can the cluster pull $image? (kubectl -n $NS describe pods)"
  exit 1
fi

say "applying examples/hello.yaml in namespace default"
k apply -n default -f examples/hello.yaml >/dev/null
if ! k wait -n default --for=condition=Ready hs/hello --timeout=180s >/dev/null; then
  say "hs/hello is not Ready; its conditions and the operator's logs say why:"
  k get -n default hs hello -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\n"}{end}' >&2
  say "kubectl -n $NS logs deployment/hello-operator"
  exit 1
fi
k get -n default hs hello
echo "URL (inside the cluster): $(k get -n default hs hello -o jsonpath='{.status.url}')"
if $local_cluster; then
  # The local cluster routes its Service range to the node's bridge: the ClusterIP answers here.
  ip=$(k get -n default service hello -o jsonpath='{.spec.clusterIP}')
  echo "from this machine: curl http://$ip/"
  # kube-proxy may still be writing the new endpoints: retry a refused connection for a while.
  curl -sS --max-time 5 --retry 20 --retry-delay 1 --retry-connrefused "http://$ip/"
  echo
else
  echo "from this machine: kubectl -n default port-forward service/hello 8080:80, then curl http://127.0.0.1:8080/"
fi
say "operator logs: kubectl -n $NS logs deployment/hello-operator; remove it (the CRD too, and with it every HelloService): kubectl delete -k $deploy"
