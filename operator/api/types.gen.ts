// Generated from operator/api/schema.ts by `npm run generate`; do not edit by hand.

/** A Secret by name. */
export interface LocalObjectReference {
  /** The Secret. */
  name: string;
}

/** A key of a Secret in the HelloService's namespace. */
export interface SecretKeySelector {
  /** The Secret. */
  name: string;
  /** The key in the Secret. */
  key: string;
  /** true: a missing Secret or key leaves the variable unset; absent or false: the pod does not start without it. */
  optional?: boolean;
}

/** A key of a ConfigMap in the HelloService's namespace. */
export interface ConfigMapKeySelector {
  /** The ConfigMap. */
  name: string;
  /** The key in the ConfigMap. */
  key: string;
  /** true: a missing ConfigMap or key leaves the variable unset; absent or false: the pod does not start without it. */
  optional?: boolean;
}

/** Where the value comes from: secretKeyRef or configMapKeyRef, one of them. Read when the pod starts. */
export interface EnvVarSource {
  /** A key of a Secret in the HelloService's namespace. */
  secretKeyRef?: SecretKeySelector;
  /** A key of a ConfigMap in the HelloService's namespace. */
  configMapKeyRef?: ConfigMapKeySelector;
}

/** An environment variable of the workload container: a value, or valueFrom. */
export interface EnvVar {
  /** The variable's name: letters, digits and "_", not starting with a digit. Not one the operator sets (PORT, MESSAGES, TMPDIR, SCRATCH_VOLUME_BYTES, WORK_MAX_CONCURRENT). */
  name: string;
  /** The value. Any UTF-8 except NUL. */
  value?: string;
  /** Where the value comes from: secretKeyRef or configMapKeyRef, one of them. Read when the pod starts. */
  valueFrom?: EnvVarSource;
}

/** A taint the pods tolerate (core/v1 Toleration). */
export interface Toleration {
  /** The key of the taints tolerated. Absent, with operator Exists: every taint. */
  key?: string;
  /** Equal (the default): a taint with this key and value; Exists: with this key, any value. */
  operator?: 'Equal' | 'Exists';
  /** The taint value, with operator Equal. */
  value?: string;
  /** The effect of the taints tolerated: NoSchedule, PreferNoSchedule or NoExecute. Absent: all. */
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** With effect NoExecute: how long a pod stays on a node after the taint appears (0-86400). Absent: for as long as the taint is there. */
  tolerationSeconds?: number;
}

/** A requirement on a node label. */
export interface NodeSelectorRequirement {
  /** The label key the requirement is about. */
  key: string;
  /** How the label relates to values: In, NotIn, Exists, DoesNotExist, Gt, Lt. */
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  /** The values: at least one with In and NotIn, none with Exists and DoesNotExist, exactly one integer with Gt and Lt. */
  values?: string[];
}

/** Nodes whose labels meet every requirement (core/v1 NodeSelectorTerm, matchExpressions only). */
export interface NodeSelectorTerm {
  /** Requirements on the node labels, all of them. */
  matchExpressions: NodeSelectorRequirement[];
}

/** Nodes the pods must run on: those that match at least one term. */
export interface NodeSelector {
  /** The terms, any of them. */
  nodeSelectorTerms: NodeSelectorTerm[];
}

/** A term and its weight. */
export interface PreferredSchedulingTerm {
  /** How much the scheduler favours nodes that match, 1-100, against the other preferences. */
  weight: number;
  /** The nodes favoured. */
  preference: NodeSelectorTerm;
}

/** Nodes the pods must or should run on. */
export interface NodeAffinity {
  /** Nodes the pods must run on: those that match at least one term. */
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
  /** Nodes the scheduler favours, by the weights of the terms they match. */
  preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
}

/** A requirement on a label. */
export interface LabelSelectorRequirement {
  /** The label key the requirement is about. */
  key: string;
  /** How the label relates to values: In, NotIn, Exists, DoesNotExist. */
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /** The values: at least one with In and NotIn, none with Exists and DoesNotExist. */
  values?: string[];
}

/** A label selector (meta/v1 LabelSelector): matchLabels and matchExpressions, all of them. */
export interface FullLabelSelector {
  /** Labels the selected objects carry, all of them. */
  matchLabels?: Record<string, string>;
  /** Requirements on the labels, all of them. */
  matchExpressions?: LabelSelectorRequirement[];
}

/** Pods in one topology domain (a node, a zone: the nodes sharing the value of topologyKey) that the scheduler places these pods with or away from (core/v1 PodAffinityTerm). */
export interface PodAffinityTerm {
  /** The pods meant. Absent: none. */
  labelSelector?: FullLabelSelector;
  /** The namespaces of the pods meant, with namespaces. Absent, and no namespaces: the HelloService's. */
  namespaceSelector?: FullLabelSelector;
  /** Namespaces of the pods meant, by name, besides those namespaceSelector selects. */
  namespaces?: string[];
  /** The node label whose value makes a domain, for example kubernetes.io/hostname or topology.kubernetes.io/zone. */
  topologyKey: string;
}

/** A term and its weight. */
export interface WeightedPodAffinityTerm {
  /** How much the scheduler favours nodes that match, 1-100, against the other preferences. */
  weight: number;
  /** Pods in one topology domain (a node, a zone: the nodes sharing the value of topologyKey) that the scheduler places these pods with or away from (core/v1 PodAffinityTerm). */
  podAffinityTerm: PodAffinityTerm;
}

/** Pods to place these pods with, or away from (core/v1 PodAffinity or PodAntiAffinity). */
export interface PodAffinity {
  /** Terms every pod must meet when scheduled; a pod that cannot stays Pending. */
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  /** Terms the scheduler favours by their weight. */
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}

/** The pods' affinity (core/v1 Affinity): the nodes they run on, and the pods they run with or away from. Node selector terms take matchExpressions (not matchFields). Absent: none. */
export interface Affinity {
  /** Nodes the pods must or should run on. */
  nodeAffinity?: NodeAffinity;
  /** Pods to place these pods near (in the same domain). */
  podAffinity?: PodAffinity;
  /** Pods to place these pods away from (in other domains). */
  podAntiAffinity?: PodAffinity;
}

/** How evenly the pods spread over the domains of one topology (core/v1 TopologySpreadConstraint). */
export interface TopologySpreadConstraint {
  /** The most the pod counts of two domains may differ by (1-100). */
  maxSkew: number;
  /** The node label whose value makes a domain, for example kubernetes.io/hostname or topology.kubernetes.io/zone. */
  topologyKey: string;
  /** DoNotSchedule: a pod that would break maxSkew stays Pending; ScheduleAnyway: it is only disfavoured. */
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  /** The pods counted. Absent: this HelloService's pods (the operator fills in their selector). */
  labelSelector?: FullLabelSelector;
  /** With DoNotSchedule: the fewest domains to count, so that fewer domains than this hold pods back (1-100). */
  minDomains?: number;
  /** Honor (the default): count only the nodes the pods' node affinity and nodeSelector allow; Ignore: all. */
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  /** Honor: count only the nodes whose taints the pods tolerate; Ignore (the default): all. */
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
}

/** Reserved CPU and memory. */
export interface ResourceAmounts {
  /** Reserved CPU. A Kubernetes quantity. Default 50m. */
  cpu?: string;
  /** Reserved memory. A Kubernetes quantity. Default 64Mi. */
  memory?: string;
}

/** The most CPU and memory the container may use; it is killed above the memory limit. */
export interface ResourceLimits {
  /** CPU limit. A Kubernetes quantity. Default 500m. */
  cpu?: string;
  /** Memory limit. A Kubernetes quantity. Default 128Mi. */
  memory?: string;
}

/** CPU and memory for the workload container. Requests are what the scheduler reserves and what the autoscaler measures utilization against; limits cap the container. */
export interface Resources {
  /** Reserved CPU and memory. */
  requests?: ResourceAmounts;
  /** The most CPU and memory the container may use; it is killed above the memory limit. */
  limits?: ResourceLimits;
}

/** A limit on one scaling step (autoscaling/v2 HPAScalingPolicy). */
export interface ScalingPolicy {
  /** Pods: `value` is a number of pods; Percent: a percentage of the current replicas. */
  type: 'Pods' | 'Percent';
  /** How many pods, or what percentage, per period (1-1000). */
  value: number;
  /** The period the limit holds for, in seconds (1-1800). */
  periodSeconds: number;
}

/** How the autoscaler scales up or down (autoscaling/v2 HPAScalingRules). */
export interface ScalingRules {
  /** How far back the autoscaler looks, in seconds (0-3600): scaling up it takes the lowest recommendation of this window, scaling down the highest, so that a short swing of the load does not move the replica count. */
  stabilizationWindowSeconds?: number;
  /** Which policy wins when several apply: Max (the default) the one that allows the biggest change, Min the smallest; Disabled never scales in this direction. */
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  /** How many replicas the autoscaler may add or remove per period. */
  policies?: ScalingPolicy[];
}

/** How fast the autoscaler adds and removes replicas (the HorizontalPodAutoscaler's spec.behavior). Absent: the autoscaler's defaults. */
export interface ScalingBehavior {
  /** How the autoscaler scales up (autoscaling/v2 HPAScalingRules). Absent: at once, by up to 4 pods or 100% of the replicas (whichever is more) per 15 s. */
  scaleUp?: ScalingRules;
  /** How the autoscaler scales down (autoscaling/v2 HPAScalingRules). Absent: to the highest recommendation of the last 300 s, by up to 100% of the replicas per 15 s. */
  scaleDown?: ScalingRules;
}

/** Scale the Deployment with a HorizontalPodAutoscaler (autoscaling/v2) on CPU utilization, and optionally on memory utilization and on requests per second per pod; the replica count is the highest that any of them asks for. Present means on; remove the field to switch autoscaling off. While it is on, the autoscaler owns the replica count, so `replicas` must not be set. */
export interface Autoscaling {
  /** The fewest replicas the autoscaler keeps. Default 2, so that one pod can be lost. */
  minReplicas?: number;
  /** The most replicas the autoscaler may create. Required: it bounds the cost. */
  maxReplicas: number;
  /** The average CPU use the autoscaler aims for, in percent of the CPU request. Default 80. */
  targetCPUUtilizationPercentage?: number;
  /** The average memory use the autoscaler aims for, in percent of the memory request (1-100). Absent: memory does not count. */
  targetMemoryUtilizationPercentage?: number;
  /** The HTTP requests per second each pod should serve on average (1-100000), from the pods' own http_requests_total (probes and scrapes not counted), read as the custom metric http_requests_per_second through prometheus-adapter with the rule in deploy/monitoring/prometheus-adapter/. Needs monitoring.enabled (Prometheus must scrape the pods); without the custom metrics API the AutoscalingMetrics condition says so. Absent: requests do not count. */
  targetRequestsPerSecond?: number;
  /** How long the autoscaler waits, after load drops, before it removes replicas: it scales down to the highest recommendation of this window. Absent: the autoscaler's default (300 s). The same setting as behavior.scaleDown.stabilizationWindowSeconds, kept for existing HelloServices. */
  scaleDownStabilizationWindowSeconds?: number;
  /** How fast the autoscaler adds and removes replicas (the HorizontalPodAutoscaler's spec.behavior). Absent: the autoscaler's defaults. */
  behavior?: ScalingBehavior;
}

/** The Service in front of the pods. */
export interface ServiceSettings {
  /** The Service type: ClusterIP (default), NodePort or LoadBalancer. */
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** The port the Service listens on (1-65535). Default 80. */
  port?: number;
  /** Labels added to the Service. The operator's own labels (app.kubernetes.io/name, instance, managed-by, part-of) cannot be set. */
  labels?: Record<string, string>;
  /** Annotations copied onto the Service, for example a cloud load balancer's (service.beta.kubernetes.io/aws-load-balancer-internal: "true"). Not service.beta.kubernetes.io/load-balancer-source-ranges. */
  annotations?: Record<string, string>;
}

/** Serve HTTPS for the host with a certificate from a Secret in the same namespace. */
export interface IngressTLS {
  /** The kubernetes.io/tls Secret holding the certificate and key for the host. */
  secretName: string;
}

/** Expose the service over HTTP(S) with an Ingress (networking.k8s.io/v1). Present means on; remove the field to delete the Ingress. */
export interface IngressSettings {
  /** The DNS name clients use, for example hello.example.com. Lower case; a leading "*." matches one level of subdomains. Not an IP address. */
  host: string;
  /** The IngressClass that serves this Ingress. Absent means the cluster default IngressClass. */
  className?: string;
  /** The URL path prefix routed to the service. Starts with "/". Default "/". */
  path?: string;
  /** Serve HTTPS for the host with a certificate from a Secret in the same namespace. */
  tls?: IngressTLS;
  /** Annotations copied onto the Ingress, for the ingress controller or cert-manager (for example cert-manager.io/cluster-issuer). */
  annotations?: Record<string, string>;
}

/** The writable /tmp of the workload (an emptyDir; the root filesystem is read-only). Its content is lost when the pod goes. */
export interface TmpVolume {
  /** The most /tmp may hold; the pod is evicted above it. A Kubernetes quantity. Default 64Mi. */
  sizeLimit?: string;
  /** Disk (default) keeps /tmp on the node's disk; Memory keeps it in RAM (tmpfs), where it counts against the memory limit. */
  medium?: 'Disk' | 'Memory';
}

/** A PodDisruptionBudget, so that voluntary evictions (node drains, upgrades) take pods down a few at a time. */
export interface PodDisruptionBudgetSettings {
  /** Create the PodDisruptionBudget. Default true. */
  enabled?: boolean;
  /** How many pods an eviction may take down at once. Default 1. */
  maxUnavailable?: number;
}

/** A label selector (matchLabels only). */
export interface LabelSelector {
  /** Labels the selected objects carry, all of them. An empty or absent map selects every object. */
  matchLabels?: Record<string, string>;
}

/** A range of IP addresses that may connect (cluster-external clients, for example). */
export interface IPBlock {
  /** The range in CIDR notation, for example 10.0.0.0/8 or 2001:db8::/32. */
  cidr: string;
  /** Ranges inside cidr that may not connect. */
  except?: string[];
}

/** Where traffic may come from: pods chosen by namespaceSelector and/or podSelector, or an ipBlock. */
export interface NetworkPolicyPeer {
  /** Namespaces whose pods may connect. With podSelector: those pods in these namespaces. Without podSelector: every pod in them. An empty selector means every namespace. */
  namespaceSelector?: LabelSelector;
  /** Pods that may connect; without namespaceSelector, in the HelloService's namespace only. */
  podSelector?: LabelSelector;
  /** A range of IP addresses that may connect (cluster-external clients, for example). */
  ipBlock?: IPBlock;
}

/** A NetworkPolicy that admits traffic to the pods only on their serving port (which also serves /metrics) and drops all other incoming traffic, and all outgoing traffic: the workload opens no connections. */
export interface NetworkPolicySettings {
  /** Create the NetworkPolicy. Default true. */
  enabled?: boolean;
  /** Who may connect to the serving port. Empty or absent: anyone (so that ingress controllers and Prometheus reach the pods wherever they run). */
  from?: NetworkPolicyPeer[];
}

/** A ServiceMonitor (monitoring.coreos.com/v1), so that a Prometheus run by prometheus-operator scrapes the pods' /metrics. It needs prometheus-operator's CRDs in the cluster; without them the Monitoring condition says so and nothing else changes (Ready is not affected). Absent means off. */
export interface MonitoringSettings {
  /** Create the ServiceMonitor. Default false. */
  enabled?: boolean;
  /** How often Prometheus scrapes each pod, a Prometheus duration. Default 30s. */
  interval?: string;
  /** Labels added to the ServiceMonitor, for a Prometheus whose serviceMonitorSelector asks for them (with kube-prometheus-stack: release: <its release name>). */
  labels?: Record<string, string>;
}

/** How a change of message or image rolls out. */
export interface RolloutSettings {
  /** How long a rollout may make no progress (new pods not becoming ready) before the HelloService reports it Stalled with ProgressDeadlineExceeded (10-3600). Default 600, as a Deployment's. */
  progressDeadlineSeconds?: number;
  /** When the latest revision fails (its rollout passes progressDeadlineSeconds, or its pods crash-loop), point the Deployment back to the latest ready revision (status.rollback says which and why) and try the failed one again only when the spec changes. Default false. */
  autoRollback?: boolean;
}

/** The workload's GET /work?ms=N, which burns N ms of CPU, for load and autoscaling tests. Off unless enabled: anyone who can reach the Service could otherwise keep the pods busy. Absent means off. */
export interface WorkSettings {
  /** Serve /work. Default false. */
  enabled?: boolean;
  /** How many /work requests each pod runs at once (1-32); more are refused with 429 and Retry-After. They share one CPU, so each of N at once takes N times as long. Default 4. */
  maxConcurrent?: number;
}

/** What the HelloService serves and how it runs. */
export interface HelloServiceSpec {
  /** The text the service answers with (the workload's MESSAGES). Any UTF-8, several lines allowed, at most 16384 characters. Changing it rolls the pods with no failed requests. */
  message: string;
  /** The workload container image. Absent means the operator's default hello workload image; set it to pin a version or use a mirror. */
  image?: string;
  /** How many pods run (1-100). Absent means 2, or what the autoscaler decides when autoscaling is set; the two cannot be set together. */
  replicas?: number;
  /** The port the workload listens on inside the pod (1024-65535: it runs without privileges). It serves the message, the probes and /metrics. Default 8080. */
  port?: number;
  /** How long the pods stay bound to a node that stops answering (NotReady or unreachable) before Kubernetes evicts them, so that they are replaced on another node (0-3600): their tolerationSeconds for node.kubernetes.io/not-ready and unreachable. Kubernetes gives pods 300 by default; 30 here, so a lost node costs capacity for seconds, not minutes. */
  nodeLossToleranceSeconds?: number;
  /** The workload's log level (its LOG_LEVEL): fatal, error, warn, info, debug, trace, silent. debug logs every request; silent logs nothing. Absent: the workload's default, info. Changing it rolls the pods. Not together with an env entry named LOG_LEVEL. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** When the node pulls the workload image: Always, IfNotPresent or Never. Absent: the operator's setting (--workload-image-pull-policy, default IfNotPresent). */
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** Secrets (kubernetes.io/dockerconfigjson) in the HelloService's namespace holding the credentials to pull the image from a private registry. */
  imagePullSecrets?: LocalObjectReference[];
  /** Environment variables of the workload container, after the ones the operator sets (PORT, MESSAGES, TMPDIR, SCRATCH_VOLUME_BYTES, WORK_MAX_CONCURRENT), which they cannot replace. A Secret or ConfigMap value is read when a pod starts, so the operator rolls the pods when one changes (it looks every 30 s); a missing Secret, ConfigMap or key (not optional) makes Ready False and leaves the running pods alone. */
  env?: EnvVar[];
  /** Labels a node must have for the pods to run on it (for example kubernetes.io/arch: arm64). */
  nodeSelector?: Record<string, string>;
  /** Taints the pods tolerate, after the operator's own node.kubernetes.io/not-ready and unreachable tolerations (nodeLossToleranceSeconds). A toleration here with one of those keys replaces the operator's for that key. */
  tolerations?: Toleration[];
  /** The pods' affinity (core/v1 Affinity): the nodes they run on, and the pods they run with or away from. Node selector terms take matchExpressions (not matchFields). Absent: none. */
  affinity?: Affinity;
  /** The PriorityClass of the pods: which pods the scheduler places first, and evicts last. It must exist, or the pods are not created. Absent: the cluster default. */
  priorityClassName?: string;
  /** How the pods spread over nodes and zones. Given, it replaces the default: a soft spread over nodes (kubernetes.io/hostname, maxSkew 1, ScheduleAnyway) of each rollout's pods; an empty list turns spreading off. */
  topologySpreadConstraints?: TopologySpreadConstraint[];
  /** Labels added to the pods. The operator's own (app.kubernetes.io/name, instance, managed-by, part-of, hello.operators.dev/revision, pod-template-hash) cannot be set. */
  podLabels?: Record<string, string>;
  /** Annotations added to the pods, for example a service mesh's (sidecar.istio.io/inject: "true"). Changing them rolls the pods. */
  podAnnotations?: Record<string, string>;
  /** CPU and memory for the workload container. Requests are what the scheduler reserves and what the autoscaler measures utilization against; limits cap the container. */
  resources?: Resources;
  /** Scale the Deployment with a HorizontalPodAutoscaler (autoscaling/v2) on CPU utilization, and optionally on memory utilization and on requests per second per pod; the replica count is the highest that any of them asks for. Present means on; remove the field to switch autoscaling off. While it is on, the autoscaler owns the replica count, so `replicas` must not be set. */
  autoscaling?: Autoscaling;
  /** The Service in front of the pods. */
  service?: ServiceSettings;
  /** Expose the service over HTTP(S) with an Ingress (networking.k8s.io/v1). Present means on; remove the field to delete the Ingress. */
  ingress?: IngressSettings;
  /** The writable /tmp of the workload (an emptyDir; the root filesystem is read-only). Its content is lost when the pod goes. */
  tmp?: TmpVolume;
  /** A PodDisruptionBudget, so that voluntary evictions (node drains, upgrades) take pods down a few at a time. */
  podDisruptionBudget?: PodDisruptionBudgetSettings;
  /** A NetworkPolicy that admits traffic to the pods only on their serving port (which also serves /metrics) and drops all other incoming traffic, and all outgoing traffic: the workload opens no connections. */
  networkPolicy?: NetworkPolicySettings;
  /** A ServiceMonitor (monitoring.coreos.com/v1), so that a Prometheus run by prometheus-operator scrapes the pods' /metrics. It needs prometheus-operator's CRDs in the cluster; without them the Monitoring condition says so and nothing else changes (Ready is not affected). Absent means off. */
  monitoring?: MonitoringSettings;
  /** How a change of message or image rolls out. */
  rollout?: RolloutSettings;
  /** The workload's GET /work?ms=N, which burns N ms of CPU, for load and autoscaling tests. Off unless enabled: anyone who can reach the Service could otherwise keep the pods busy. Absent means off. */
  work?: WorkSettings;
}

export type DefaultedLocalObjectReference = LocalObjectReference;

export type DefaultedSecretKeySelector = SecretKeySelector;

export type DefaultedConfigMapKeySelector = ConfigMapKeySelector;

/** Where the value comes from: secretKeyRef or configMapKeyRef, one of them. Read when the pod starts. */
export interface DefaultedEnvVarSource {
  /** A key of a Secret in the HelloService's namespace. */
  secretKeyRef?: DefaultedSecretKeySelector;
  /** A key of a ConfigMap in the HelloService's namespace. */
  configMapKeyRef?: DefaultedConfigMapKeySelector;
}

/** An environment variable of the workload container: a value, or valueFrom. */
export interface DefaultedEnvVar {
  /** The variable's name: letters, digits and "_", not starting with a digit. Not one the operator sets (PORT, MESSAGES, TMPDIR, SCRATCH_VOLUME_BYTES, WORK_MAX_CONCURRENT). */
  name: string;
  /** The value. Any UTF-8 except NUL. */
  value?: string;
  /** Where the value comes from: secretKeyRef or configMapKeyRef, one of them. Read when the pod starts. */
  valueFrom?: DefaultedEnvVarSource;
}

export type DefaultedToleration = Toleration;

export type DefaultedNodeSelectorRequirement = NodeSelectorRequirement;

/** Nodes whose labels meet every requirement (core/v1 NodeSelectorTerm, matchExpressions only). */
export interface DefaultedNodeSelectorTerm {
  /** Requirements on the node labels, all of them. */
  matchExpressions: DefaultedNodeSelectorRequirement[];
}

/** Nodes the pods must run on: those that match at least one term. */
export interface DefaultedNodeSelector {
  /** The terms, any of them. */
  nodeSelectorTerms: DefaultedNodeSelectorTerm[];
}

/** A term and its weight. */
export interface DefaultedPreferredSchedulingTerm {
  /** How much the scheduler favours nodes that match, 1-100, against the other preferences. */
  weight: number;
  /** The nodes favoured. */
  preference: DefaultedNodeSelectorTerm;
}

/** Nodes the pods must or should run on. */
export interface DefaultedNodeAffinity {
  /** Nodes the pods must run on: those that match at least one term. */
  requiredDuringSchedulingIgnoredDuringExecution?: DefaultedNodeSelector;
  /** Nodes the scheduler favours, by the weights of the terms they match. */
  preferredDuringSchedulingIgnoredDuringExecution?: DefaultedPreferredSchedulingTerm[];
}

export type DefaultedLabelSelectorRequirement = LabelSelectorRequirement;

/** A label selector (meta/v1 LabelSelector): matchLabels and matchExpressions, all of them. */
export interface DefaultedFullLabelSelector {
  /** Labels the selected objects carry, all of them. */
  matchLabels?: Record<string, string>;
  /** Requirements on the labels, all of them. */
  matchExpressions?: DefaultedLabelSelectorRequirement[];
}

/** Pods in one topology domain (a node, a zone: the nodes sharing the value of topologyKey) that the scheduler places these pods with or away from (core/v1 PodAffinityTerm). */
export interface DefaultedPodAffinityTerm {
  /** The pods meant. Absent: none. */
  labelSelector?: DefaultedFullLabelSelector;
  /** The namespaces of the pods meant, with namespaces. Absent, and no namespaces: the HelloService's. */
  namespaceSelector?: DefaultedFullLabelSelector;
  /** Namespaces of the pods meant, by name, besides those namespaceSelector selects. */
  namespaces?: string[];
  /** The node label whose value makes a domain, for example kubernetes.io/hostname or topology.kubernetes.io/zone. */
  topologyKey: string;
}

/** A term and its weight. */
export interface DefaultedWeightedPodAffinityTerm {
  /** How much the scheduler favours nodes that match, 1-100, against the other preferences. */
  weight: number;
  /** Pods in one topology domain (a node, a zone: the nodes sharing the value of topologyKey) that the scheduler places these pods with or away from (core/v1 PodAffinityTerm). */
  podAffinityTerm: DefaultedPodAffinityTerm;
}

/** Pods to place these pods with, or away from (core/v1 PodAffinity or PodAntiAffinity). */
export interface DefaultedPodAffinity {
  /** Terms every pod must meet when scheduled; a pod that cannot stays Pending. */
  requiredDuringSchedulingIgnoredDuringExecution?: DefaultedPodAffinityTerm[];
  /** Terms the scheduler favours by their weight. */
  preferredDuringSchedulingIgnoredDuringExecution?: DefaultedWeightedPodAffinityTerm[];
}

/** The pods' affinity (core/v1 Affinity): the nodes they run on, and the pods they run with or away from. Node selector terms take matchExpressions (not matchFields). Absent: none. */
export interface DefaultedAffinity {
  /** Nodes the pods must or should run on. */
  nodeAffinity?: DefaultedNodeAffinity;
  /** Pods to place these pods near (in the same domain). */
  podAffinity?: DefaultedPodAffinity;
  /** Pods to place these pods away from (in other domains). */
  podAntiAffinity?: DefaultedPodAffinity;
}

/** How evenly the pods spread over the domains of one topology (core/v1 TopologySpreadConstraint). */
export interface DefaultedTopologySpreadConstraint {
  /** The most the pod counts of two domains may differ by (1-100). */
  maxSkew: number;
  /** The node label whose value makes a domain, for example kubernetes.io/hostname or topology.kubernetes.io/zone. */
  topologyKey: string;
  /** DoNotSchedule: a pod that would break maxSkew stays Pending; ScheduleAnyway: it is only disfavoured. */
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  /** The pods counted. Absent: this HelloService's pods (the operator fills in their selector). */
  labelSelector?: DefaultedFullLabelSelector;
  /** With DoNotSchedule: the fewest domains to count, so that fewer domains than this hold pods back (1-100). */
  minDomains?: number;
  /** Honor (the default): count only the nodes the pods' node affinity and nodeSelector allow; Ignore: all. */
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  /** Honor: count only the nodes whose taints the pods tolerate; Ignore (the default): all. */
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
}

/** Reserved CPU and memory. */
export interface DefaultedResourceAmounts {
  /** Reserved CPU. A Kubernetes quantity. Default 50m. */
  cpu: string;
  /** Reserved memory. A Kubernetes quantity. Default 64Mi. */
  memory: string;
}

/** The most CPU and memory the container may use; it is killed above the memory limit. */
export interface DefaultedResourceLimits {
  /** CPU limit. A Kubernetes quantity. Default 500m. */
  cpu: string;
  /** Memory limit. A Kubernetes quantity. Default 128Mi. */
  memory: string;
}

/** CPU and memory for the workload container. Requests are what the scheduler reserves and what the autoscaler measures utilization against; limits cap the container. */
export interface DefaultedResources {
  /** Reserved CPU and memory. */
  requests: DefaultedResourceAmounts;
  /** The most CPU and memory the container may use; it is killed above the memory limit. */
  limits: DefaultedResourceLimits;
}

export type DefaultedScalingPolicy = ScalingPolicy;

/** How the autoscaler scales up or down (autoscaling/v2 HPAScalingRules). */
export interface DefaultedScalingRules {
  /** How far back the autoscaler looks, in seconds (0-3600): scaling up it takes the lowest recommendation of this window, scaling down the highest, so that a short swing of the load does not move the replica count. */
  stabilizationWindowSeconds?: number;
  /** Which policy wins when several apply: Max (the default) the one that allows the biggest change, Min the smallest; Disabled never scales in this direction. */
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  /** How many replicas the autoscaler may add or remove per period. */
  policies?: DefaultedScalingPolicy[];
}

/** How fast the autoscaler adds and removes replicas (the HorizontalPodAutoscaler's spec.behavior). Absent: the autoscaler's defaults. */
export interface DefaultedScalingBehavior {
  /** How the autoscaler scales up (autoscaling/v2 HPAScalingRules). Absent: at once, by up to 4 pods or 100% of the replicas (whichever is more) per 15 s. */
  scaleUp?: DefaultedScalingRules;
  /** How the autoscaler scales down (autoscaling/v2 HPAScalingRules). Absent: to the highest recommendation of the last 300 s, by up to 100% of the replicas per 15 s. */
  scaleDown?: DefaultedScalingRules;
}

/** Scale the Deployment with a HorizontalPodAutoscaler (autoscaling/v2) on CPU utilization, and optionally on memory utilization and on requests per second per pod; the replica count is the highest that any of them asks for. Present means on; remove the field to switch autoscaling off. While it is on, the autoscaler owns the replica count, so `replicas` must not be set. */
export interface DefaultedAutoscaling {
  /** The fewest replicas the autoscaler keeps. Default 2, so that one pod can be lost. */
  minReplicas: number;
  /** The most replicas the autoscaler may create. Required: it bounds the cost. */
  maxReplicas: number;
  /** The average CPU use the autoscaler aims for, in percent of the CPU request. Default 80. */
  targetCPUUtilizationPercentage: number;
  /** The average memory use the autoscaler aims for, in percent of the memory request (1-100). Absent: memory does not count. */
  targetMemoryUtilizationPercentage?: number;
  /** The HTTP requests per second each pod should serve on average (1-100000), from the pods' own http_requests_total (probes and scrapes not counted), read as the custom metric http_requests_per_second through prometheus-adapter with the rule in deploy/monitoring/prometheus-adapter/. Needs monitoring.enabled (Prometheus must scrape the pods); without the custom metrics API the AutoscalingMetrics condition says so. Absent: requests do not count. */
  targetRequestsPerSecond?: number;
  /** How long the autoscaler waits, after load drops, before it removes replicas: it scales down to the highest recommendation of this window. Absent: the autoscaler's default (300 s). The same setting as behavior.scaleDown.stabilizationWindowSeconds, kept for existing HelloServices. */
  scaleDownStabilizationWindowSeconds?: number;
  /** How fast the autoscaler adds and removes replicas (the HorizontalPodAutoscaler's spec.behavior). Absent: the autoscaler's defaults. */
  behavior?: DefaultedScalingBehavior;
}

/** The Service in front of the pods. */
export interface DefaultedServiceSettings {
  /** The Service type: ClusterIP (default), NodePort or LoadBalancer. */
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** The port the Service listens on (1-65535). Default 80. */
  port: number;
  /** Labels added to the Service. The operator's own labels (app.kubernetes.io/name, instance, managed-by, part-of) cannot be set. */
  labels?: Record<string, string>;
  /** Annotations copied onto the Service, for example a cloud load balancer's (service.beta.kubernetes.io/aws-load-balancer-internal: "true"). Not service.beta.kubernetes.io/load-balancer-source-ranges. */
  annotations?: Record<string, string>;
}

export type DefaultedIngressTLS = IngressTLS;

/** Expose the service over HTTP(S) with an Ingress (networking.k8s.io/v1). Present means on; remove the field to delete the Ingress. */
export interface DefaultedIngressSettings {
  /** The DNS name clients use, for example hello.example.com. Lower case; a leading "*." matches one level of subdomains. Not an IP address. */
  host: string;
  /** The IngressClass that serves this Ingress. Absent means the cluster default IngressClass. */
  className?: string;
  /** The URL path prefix routed to the service. Starts with "/". Default "/". */
  path: string;
  /** Serve HTTPS for the host with a certificate from a Secret in the same namespace. */
  tls?: DefaultedIngressTLS;
  /** Annotations copied onto the Ingress, for the ingress controller or cert-manager (for example cert-manager.io/cluster-issuer). */
  annotations?: Record<string, string>;
}

/** The writable /tmp of the workload (an emptyDir; the root filesystem is read-only). Its content is lost when the pod goes. */
export interface DefaultedTmpVolume {
  /** The most /tmp may hold; the pod is evicted above it. A Kubernetes quantity. Default 64Mi. */
  sizeLimit: string;
  /** Disk (default) keeps /tmp on the node's disk; Memory keeps it in RAM (tmpfs), where it counts against the memory limit. */
  medium: 'Disk' | 'Memory';
}

/** A PodDisruptionBudget, so that voluntary evictions (node drains, upgrades) take pods down a few at a time. */
export interface DefaultedPodDisruptionBudgetSettings {
  /** Create the PodDisruptionBudget. Default true. */
  enabled: boolean;
  /** How many pods an eviction may take down at once. Default 1. */
  maxUnavailable: number;
}

export type DefaultedLabelSelector = LabelSelector;

export type DefaultedIPBlock = IPBlock;

/** Where traffic may come from: pods chosen by namespaceSelector and/or podSelector, or an ipBlock. */
export interface DefaultedNetworkPolicyPeer {
  /** Namespaces whose pods may connect. With podSelector: those pods in these namespaces. Without podSelector: every pod in them. An empty selector means every namespace. */
  namespaceSelector?: DefaultedLabelSelector;
  /** Pods that may connect; without namespaceSelector, in the HelloService's namespace only. */
  podSelector?: DefaultedLabelSelector;
  /** A range of IP addresses that may connect (cluster-external clients, for example). */
  ipBlock?: DefaultedIPBlock;
}

/** A NetworkPolicy that admits traffic to the pods only on their serving port (which also serves /metrics) and drops all other incoming traffic, and all outgoing traffic: the workload opens no connections. */
export interface DefaultedNetworkPolicySettings {
  /** Create the NetworkPolicy. Default true. */
  enabled: boolean;
  /** Who may connect to the serving port. Empty or absent: anyone (so that ingress controllers and Prometheus reach the pods wherever they run). */
  from?: DefaultedNetworkPolicyPeer[];
}

/** A ServiceMonitor (monitoring.coreos.com/v1), so that a Prometheus run by prometheus-operator scrapes the pods' /metrics. It needs prometheus-operator's CRDs in the cluster; without them the Monitoring condition says so and nothing else changes (Ready is not affected). Absent means off. */
export interface DefaultedMonitoringSettings {
  /** Create the ServiceMonitor. Default false. */
  enabled: boolean;
  /** How often Prometheus scrapes each pod, a Prometheus duration. Default 30s. */
  interval: string;
  /** Labels added to the ServiceMonitor, for a Prometheus whose serviceMonitorSelector asks for them (with kube-prometheus-stack: release: <its release name>). */
  labels?: Record<string, string>;
}

/** How a change of message or image rolls out. */
export interface DefaultedRolloutSettings {
  /** How long a rollout may make no progress (new pods not becoming ready) before the HelloService reports it Stalled with ProgressDeadlineExceeded (10-3600). Default 600, as a Deployment's. */
  progressDeadlineSeconds: number;
  /** When the latest revision fails (its rollout passes progressDeadlineSeconds, or its pods crash-loop), point the Deployment back to the latest ready revision (status.rollback says which and why) and try the failed one again only when the spec changes. Default false. */
  autoRollback: boolean;
}

/** The workload's GET /work?ms=N, which burns N ms of CPU, for load and autoscaling tests. Off unless enabled: anyone who can reach the Service could otherwise keep the pods busy. Absent means off. */
export interface DefaultedWorkSettings {
  /** Serve /work. Default false. */
  enabled: boolean;
  /** How many /work requests each pod runs at once (1-32); more are refused with 429 and Retry-After. They share one CPU, so each of N at once takes N times as long. Default 4. */
  maxConcurrent: number;
}

/** What the HelloService serves and how it runs. */
export interface DefaultedHelloServiceSpec {
  /** The text the service answers with (the workload's MESSAGES). Any UTF-8, several lines allowed, at most 16384 characters. Changing it rolls the pods with no failed requests. */
  message: string;
  /** The workload container image. Absent means the operator's default hello workload image; set it to pin a version or use a mirror. */
  image?: string;
  /** How many pods run (1-100). Absent means 2, or what the autoscaler decides when autoscaling is set; the two cannot be set together. */
  replicas?: number;
  /** The port the workload listens on inside the pod (1024-65535: it runs without privileges). It serves the message, the probes and /metrics. Default 8080. */
  port: number;
  /** How long the pods stay bound to a node that stops answering (NotReady or unreachable) before Kubernetes evicts them, so that they are replaced on another node (0-3600): their tolerationSeconds for node.kubernetes.io/not-ready and unreachable. Kubernetes gives pods 300 by default; 30 here, so a lost node costs capacity for seconds, not minutes. */
  nodeLossToleranceSeconds: number;
  /** The workload's log level (its LOG_LEVEL): fatal, error, warn, info, debug, trace, silent. debug logs every request; silent logs nothing. Absent: the workload's default, info. Changing it rolls the pods. Not together with an env entry named LOG_LEVEL. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** When the node pulls the workload image: Always, IfNotPresent or Never. Absent: the operator's setting (--workload-image-pull-policy, default IfNotPresent). */
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** Secrets (kubernetes.io/dockerconfigjson) in the HelloService's namespace holding the credentials to pull the image from a private registry. */
  imagePullSecrets?: DefaultedLocalObjectReference[];
  /** Environment variables of the workload container, after the ones the operator sets (PORT, MESSAGES, TMPDIR, SCRATCH_VOLUME_BYTES, WORK_MAX_CONCURRENT), which they cannot replace. A Secret or ConfigMap value is read when a pod starts, so the operator rolls the pods when one changes (it looks every 30 s); a missing Secret, ConfigMap or key (not optional) makes Ready False and leaves the running pods alone. */
  env?: DefaultedEnvVar[];
  /** Labels a node must have for the pods to run on it (for example kubernetes.io/arch: arm64). */
  nodeSelector?: Record<string, string>;
  /** Taints the pods tolerate, after the operator's own node.kubernetes.io/not-ready and unreachable tolerations (nodeLossToleranceSeconds). A toleration here with one of those keys replaces the operator's for that key. */
  tolerations?: DefaultedToleration[];
  /** The pods' affinity (core/v1 Affinity): the nodes they run on, and the pods they run with or away from. Node selector terms take matchExpressions (not matchFields). Absent: none. */
  affinity?: DefaultedAffinity;
  /** The PriorityClass of the pods: which pods the scheduler places first, and evicts last. It must exist, or the pods are not created. Absent: the cluster default. */
  priorityClassName?: string;
  /** How the pods spread over nodes and zones. Given, it replaces the default: a soft spread over nodes (kubernetes.io/hostname, maxSkew 1, ScheduleAnyway) of each rollout's pods; an empty list turns spreading off. */
  topologySpreadConstraints?: DefaultedTopologySpreadConstraint[];
  /** Labels added to the pods. The operator's own (app.kubernetes.io/name, instance, managed-by, part-of, hello.operators.dev/revision, pod-template-hash) cannot be set. */
  podLabels?: Record<string, string>;
  /** Annotations added to the pods, for example a service mesh's (sidecar.istio.io/inject: "true"). Changing them rolls the pods. */
  podAnnotations?: Record<string, string>;
  /** CPU and memory for the workload container. Requests are what the scheduler reserves and what the autoscaler measures utilization against; limits cap the container. */
  resources: DefaultedResources;
  /** Scale the Deployment with a HorizontalPodAutoscaler (autoscaling/v2) on CPU utilization, and optionally on memory utilization and on requests per second per pod; the replica count is the highest that any of them asks for. Present means on; remove the field to switch autoscaling off. While it is on, the autoscaler owns the replica count, so `replicas` must not be set. */
  autoscaling?: DefaultedAutoscaling;
  /** The Service in front of the pods. */
  service: DefaultedServiceSettings;
  /** Expose the service over HTTP(S) with an Ingress (networking.k8s.io/v1). Present means on; remove the field to delete the Ingress. */
  ingress?: DefaultedIngressSettings;
  /** The writable /tmp of the workload (an emptyDir; the root filesystem is read-only). Its content is lost when the pod goes. */
  tmp: DefaultedTmpVolume;
  /** A PodDisruptionBudget, so that voluntary evictions (node drains, upgrades) take pods down a few at a time. */
  podDisruptionBudget: DefaultedPodDisruptionBudgetSettings;
  /** A NetworkPolicy that admits traffic to the pods only on their serving port (which also serves /metrics) and drops all other incoming traffic, and all outgoing traffic: the workload opens no connections. */
  networkPolicy: DefaultedNetworkPolicySettings;
  /** A ServiceMonitor (monitoring.coreos.com/v1), so that a Prometheus run by prometheus-operator scrapes the pods' /metrics. It needs prometheus-operator's CRDs in the cluster; without them the Monitoring condition says so and nothing else changes (Ready is not affected). Absent means off. */
  monitoring?: DefaultedMonitoringSettings;
  /** How a change of message or image rolls out. */
  rollout: DefaultedRolloutSettings;
  /** The workload's GET /work?ms=N, which burns N ms of CPU, for load and autoscaling tests. Off unless enabled: anyone who can reach the Service could otherwise keep the pods busy. Absent means off. */
  work?: DefaultedWorkSettings;
}

/** One revision: a message and an image, as the pods of one ReplicaSet run them. */
export interface RevisionStatus {
  /** The name of the revision, also the name of its ConfigMap. */
  name: string;
  /** The workload image. */
  image: string;
  /** The SHA-256 of the message (hex, the first 16 digits). */
  messageDigest: string;
  /** The first line of the message, cut short. */
  messagePreview?: string;
  /** When the operator first applied it. */
  created: string;
  /** Whether every pod of it was ready at some point. */
  ready: boolean;
  /** Why it did not become ready (the Stalled reason), while it is not. */
  reason?: string;
}

/** An automatic rollback (spec.rollout.autoRollback) in force: the pods run `revision` instead of the failed revision of the spec, until the spec changes. */
export interface RollbackStatus {
  /** The revision of the spec that failed. */
  failedRevision: string;
  /** The revision the pods were rolled back to: the latest ready one. */
  revision: string;
  /** The metadata.generation that failed; a new generation tries its revision again. */
  observedGeneration: number;
  /** Why it failed: ProgressDeadlineExceeded or CrashLoopBackOff. */
  reason: string;
  /** Why it failed, for a person. */
  message: string;
  /** When the operator rolled back. */
  time: string;
}

/** One aspect of the HelloService's state (metav1.Condition). */
export interface Condition {
  /** Ready (the summary), Available, Progressing, Degraded, Reconciling and Stalled (the kstatus convention), Monitoring (when spec.monitoring.enabled), or Paused (while the hello.operators.dev/paused annotation is "true"). */
  type: string;
  /** True, False or Unknown. */
  status: 'True' | 'False' | 'Unknown';
  /** The metadata.generation this condition was computed from. */
  observedGeneration?: number;
  /** When the status last changed. */
  lastTransitionTime: string;
  /** Why, as one CamelCase word (also used for Events and metrics). */
  reason: string;
  /** Why, for a person, with what to do. */
  message: string;
}

/** What the operator last observed. Written by the operator only. */
export interface HelloServiceStatus {
  /** The metadata.generation of the spec this status describes; 0 until the operator has seen it. */
  observedGeneration?: number;
  /** Pods the Deployment wants (its spec.replicas, from the HelloService or the autoscaler). */
  replicas?: number;
  /** Pods that are ready. */
  readyReplicas?: number;
  /** The pods' label selector (`key=value,...`), for the scale subresource: `kubectl scale` and a HorizontalPodAutoscaler that targets the HelloService find its pods with it. */
  selector?: string;
  /** readyReplicas/replicas, like "2/2", for `kubectl get`. */
  replicaSummary?: string;
  /** Where the service is reachable: the Ingress URL, else the in-cluster Service URL. */
  url?: string;
  /** The first line of the message, cut short, for `kubectl get`. */
  messagePreview?: string;
  /** The revision of the current spec (message and image). */
  latestCreatedRevision?: string;
  /** The newest revision whose pods were all ready: what serves while a newer one rolls out or is stuck. */
  latestReadyRevision?: string;
  /** The last 5 revisions, the newest first. */
  revisions?: RevisionStatus[];
  /** An automatic rollback (spec.rollout.autoRollback) in force: the pods run `revision` instead of the failed revision of the spec, until the spec changes. */
  rollback?: RollbackStatus;
  /** Ready (the summary), Available, Progressing, Degraded, Reconciling and Stalled; Monitoring when spec.monitoring.enabled; Paused while the hello.operators.dev/paused annotation is "true". */
  conditions?: Condition[];
}
