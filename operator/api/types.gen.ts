// Generated from operator/api/schema.ts by `npm run generate`; do not edit by hand.

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

/** Scale the Deployment on CPU utilization with a HorizontalPodAutoscaler (autoscaling/v2). Present means on; remove the field to switch autoscaling off. While it is on, the autoscaler owns the replica count, so `replicas` must not be set. */
export interface Autoscaling {
  /** The fewest replicas the autoscaler keeps. Default 2, so that one pod can be lost. */
  minReplicas?: number;
  /** The most replicas the autoscaler may create. Required: it bounds the cost. */
  maxReplicas: number;
  /** The average CPU use the autoscaler aims for, in percent of the CPU request. Default 80. */
  targetCPUUtilizationPercentage?: number;
  /** How long the autoscaler waits, after load drops, before it removes replicas: it scales down to the highest recommendation of this window. Absent: the autoscaler's default (300 s). */
  scaleDownStabilizationWindowSeconds?: number;
}

/** The Service in front of the pods. */
export interface ServiceSettings {
  /** The Service type: ClusterIP (default), NodePort or LoadBalancer. */
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** The port the Service listens on (1-65535). Default 80. */
  port?: number;
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
  /** CPU and memory for the workload container. Requests are what the scheduler reserves and what the autoscaler measures utilization against; limits cap the container. */
  resources?: Resources;
  /** Scale the Deployment on CPU utilization with a HorizontalPodAutoscaler (autoscaling/v2). Present means on; remove the field to switch autoscaling off. While it is on, the autoscaler owns the replica count, so `replicas` must not be set. */
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

/** Scale the Deployment on CPU utilization with a HorizontalPodAutoscaler (autoscaling/v2). Present means on; remove the field to switch autoscaling off. While it is on, the autoscaler owns the replica count, so `replicas` must not be set. */
export interface DefaultedAutoscaling {
  /** The fewest replicas the autoscaler keeps. Default 2, so that one pod can be lost. */
  minReplicas: number;
  /** The most replicas the autoscaler may create. Required: it bounds the cost. */
  maxReplicas: number;
  /** The average CPU use the autoscaler aims for, in percent of the CPU request. Default 80. */
  targetCPUUtilizationPercentage: number;
  /** How long the autoscaler waits, after load drops, before it removes replicas: it scales down to the highest recommendation of this window. Absent: the autoscaler's default (300 s). */
  scaleDownStabilizationWindowSeconds?: number;
}

/** The Service in front of the pods. */
export interface DefaultedServiceSettings {
  /** The Service type: ClusterIP (default), NodePort or LoadBalancer. */
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** The port the Service listens on (1-65535). Default 80. */
  port: number;
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
  /** CPU and memory for the workload container. Requests are what the scheduler reserves and what the autoscaler measures utilization against; limits cap the container. */
  resources: DefaultedResources;
  /** Scale the Deployment on CPU utilization with a HorizontalPodAutoscaler (autoscaling/v2). Present means on; remove the field to switch autoscaling off. While it is on, the autoscaler owns the replica count, so `replicas` must not be set. */
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
