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
#   3. examples/hello.yaml in `default` (HELLO_EXAMPLE_NAMESPACE), waits for Ready, shows
#      `kubectl get hs`, the URL and a curl.
# On a cluster of your own the images must come from somewhere it can pull (README "Your own cluster"):
#   HELLO_REGISTRY=REGISTRY[/PREFIX]  builds both images, pushes them there (`npm run images -- --push`)
#      and installs with the references pinned by digest (a generated overlay; nothing is written into
#      the tree); HELLO_PULL_SECRET=NAME adds that Secret (create it yourself in the operator's
#      namespace and in every HelloService namespace) to the operator's pods and, through
#      WORKLOAD_IMAGE_PULL_SECRETS, to every workload pod;
#   a kind cluster (context kind-*): builds the images and `kind load image-archive`s them instead;
#   neither: the release images, and a clear stop as soon as the cluster cannot pull them.
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
[[ $deploy == /* ]] || deploy="$REPO/$deploy"
example_ns=${HELLO_EXAMPLE_NAMESPACE:-default}
registry=${HELLO_REGISTRY:-}
pull_secret=${HELLO_PULL_SECRET:-}
kind_cluster=""
if ! $local_cluster && [[ -z $registry ]]; then
  context=$(k config current-context 2>/dev/null || true)
  [[ $context == kind-* ]] && kind_cluster=${context#kind-}
fi

# What this run installs: $deploy, or an overlay of it with the images this run made and, on the
# local cluster, the bundle's hash: its `images` and `patches` entries, written out by write_overlay.
source=$deploy
images_yaml="" patches_yaml=""
# A strategic merge patch of the operator's Deployment, whatever an overlay named it; stdin is its
# `spec.template` part, indented for this spot.
patch_operator() {
  patches_yaml+="  - target: {kind: Deployment, labelSelector: app.kubernetes.io/name=hello-operator}
    patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: hello-operator}
      spec:
        template:
$(cat)
"
}
# The operator and workload images and how to pull them, whichever base names the operator's image:
# the release's (deploy/) or the local one (deploy/local).
set_images() {
  local operator_name=$1 operator_pin=$2 workload=$3 policy=$4 name
  for name in ghcr.io/hello-operator/hello-operator localhost/hello-operator; do
    images_yaml+="  - name: $name
    newName: $operator_name
    $operator_pin
"
  done
  # Fed by process substitution, not a pipe: patch_operator must run in this shell to keep its edit.
  patch_operator < <(
    echo "          spec:"
    [[ -n $pull_secret ]] && echo "            imagePullSecrets: [{name: $pull_secret}]"
    echo "            containers:"
    echo "              - name: manager"
    echo "                imagePullPolicy: $policy"
    echo "                env:"
    echo "                  - {name: WORKLOAD_IMAGE, value: \"$workload\"}"
    echo "                  - {name: WORKLOAD_IMAGE_PULL_POLICY, value: $policy}"
    [[ -n $pull_secret ]] && echo "                  - {name: WORKLOAD_IMAGE_PULL_SECRETS, value: $pull_secret}"
    true
  )
}
# kustomize takes a base only by a relative path.
write_overlay() {
  [[ -z $images_yaml && -z $patches_yaml ]] && return
  source=$(mktemp -d)
  trap 'rm -rf "$source"' EXIT
  {
    printf 'resources:\n  - %s\n' "$(realpath --relative-to="$source" "$deploy")"
    [[ -n $images_yaml ]] && printf 'images:\n%s' "$images_yaml"
    [[ -n $patches_yaml ]] && printf 'patches:\n%s' "$patches_yaml"
    true
  } >"$source/kustomization.yaml"
}

if [[ -n $registry ]]; then
  say "building our images and pushing them to $registry: npm run images -- --push $registry"
  refs=$(bash test/cluster/images.sh --push "$registry")
  operator_ref=$(grep '/hello-operator:' <<<"$refs"); workload_ref=$(grep '/hello-workload:' <<<"$refs")
  say "pushed: $operator_ref"
  say "pushed: $workload_ref"
  # Pinned by digest: what runs is what was pushed, whatever happens to the tag later.
  # REGISTRY[:PORT]/PREFIX/hello-APP:TAG@sha256:D → the repository (no tag) and the digest.
  operator_repo=${operator_ref%@*}; operator_repo=${operator_repo%:*}
  workload_repo=${workload_ref%@*}; workload_repo=${workload_repo%:*}
  set_images "$operator_repo" "digest: ${operator_ref#*@}" "$workload_repo@${workload_ref#*@}" IfNotPresent
elif [[ -n $kind_cluster ]]; then
  command -v kind >/dev/null || { say "the context is kind's ($kind_cluster), but the kind command is not on PATH"; exit 1; }
  say "kind cluster $kind_cluster: building our images and loading them into its nodes (kind load image-archive)"
  HELLO_IMAGE_TAG=dev bash test/cluster/images.sh
  for app in workload operator; do
    archive=$(mktemp --suffix=.tar); rm -f "$archive"
    buildah push --quiet "localhost/hello-$app:dev" "docker-archive:$archive:localhost/hello-$app:dev" >/dev/null
    kind load image-archive "$archive" --name "$kind_cluster" >&2
    rm -f "$archive"
  done
  set_images localhost/hello-operator "newTag: dev" localhost/hello-workload:dev IfNotPresent
fi
if $local_cluster; then
  # The :dev tag stays the same when the code changes: stamp the bundle's hash on the pod template
  # so that a rebuilt operator rolls out, and an unchanged one does not. Stamped in the applied
  # objects (an overlay of $deploy): patched in afterwards, a first install rolled out twice.
  patch_operator <<EOF
          metadata:
            annotations:
              hello.operators.dev/bundle-sha256: "$(sha256sum dist/operator/main.mjs | cut -c1-16)"
EOF
fi
write_overlay

say "installing the operator: kubectl apply --server-side -k ${deploy#"$REPO"/}"
# The operator's Deployment as this kustomization names it (an overlay may prefix it).
read -r NS name < <(k kustomize "$source" | node --input-type=module -e "
  import { parseAllDocuments } from 'yaml';
  let text = ''; for await (const c of process.stdin) text += c;
  const d = parseAllDocuments(text).map((x) => x.toJS()).find((o) => o?.kind === 'Deployment' &&
    o.metadata?.labels?.['app.kubernetes.io/name'] === 'hello-operator');
  if (d) console.log(d.metadata.namespace ?? 'default', d.metadata.name);") || true
[[ -n ${name:-} ]] || { say "no hello-operator Deployment in ${deploy#"$REPO"/}"; exit 1; }
k apply --server-side --force-conflicts -k "$source" >/dev/null
k wait --for=condition=Established crd/helloservices.hello.operators.dev --timeout=60s >/dev/null
image=$(k -n "$NS" get deployment "$name" -o jsonpath='{.spec.template.spec.containers[0].image}')
selector=$(k -n "$NS" get deployment "$name" -o go-template='{{range $k, $v := .spec.selector.matchLabels}}{{$k}}={{$v}},{{end}}')
say "waiting for the operator's rollout (image $image)"
# Polled rather than one long wait, to stop as soon as a pod cannot pull: that never heals by waiting.
deadline=$((SECONDS + 180))
until k -n "$NS" rollout status "deployment/$name" --timeout=5s >/dev/null 2>&1; do
  pull=$(k -n "$NS" get pods -l "${selector%,}" \
    -o jsonpath='{range .items[*].status.containerStatuses[*]}{.state.waiting.reason}{" "}{.state.waiting.message}{"\n"}{end}' \
    | grep -E '^(ErrImagePull|ImagePullBackOff|ErrImageNeverPull|InvalidImageName) ' | head -1 || true)
  if [[ -n $pull ]]; then
    say "the cluster cannot pull $image: $pull"
    say "push our images to a registry it pulls from: HELLO_REGISTRY=registry.example.com/team npm start"
    say "(buildah login registry.example.com first; a registry that needs credentials also needs"
    say "HELLO_PULL_SECRET: README 'Your own cluster'); on kind, npm start loads the images into its nodes"
    exit 1
  fi
  if ((SECONDS > deadline)); then
    say "the operator did not become ready in 180 s (kubectl -n $NS describe pods)"
    exit 1
  fi
done

say "applying examples/hello.yaml in namespace $example_ns"
k apply -n "$example_ns" -f examples/hello.yaml >/dev/null
if ! k wait -n "$example_ns" --for=condition=Ready hs/hello --timeout=180s >/dev/null; then
  say "hs/hello is not Ready; its conditions and the operator's logs say why:"
  k get -n "$example_ns" hs hello -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\n"}{end}' >&2
  say "kubectl -n $NS logs deployment/hello-operator"
  exit 1
fi
k get -n "$example_ns" hs hello
echo "URL (inside the cluster): $(k get -n "$example_ns" hs hello -o jsonpath='{.status.url}')"
if $local_cluster; then
  # The local cluster routes its Service range to the node's bridge: the ClusterIP answers here.
  ip=$(k get -n "$example_ns" service hello -o jsonpath='{.spec.clusterIP}')
  echo "from this machine: curl http://$ip/"
  # kube-proxy may still be writing the new endpoints: retry a refused connection for a while.
  curl -sS --max-time 5 --retry 20 --retry-delay 1 --retry-connrefused "http://$ip/"
  echo
else
  echo "from this machine: kubectl -n $example_ns port-forward service/hello 8080:80, then curl http://127.0.0.1:8080/"
fi
say "operator logs: kubectl -n $NS logs deployment/$name; remove it (the CRD too, and with it every HelloService): kubectl delete -k ${deploy#"$REPO"/}"
