package controller

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// HelloServiceStatus is the part of the status the twin writes: the Deployment's replicas and
// three conditions, at the HelloService's generation. (Ours writes more: Degraded, Reconciling,
// Stalled, the URL, revisions.)
type HelloServiceStatus struct {
	ObservedGeneration int64              `json:"observedGeneration"`
	Replicas           *int32             `json:"replicas,omitempty"`
	ReadyReplicas      *int32             `json:"readyReplicas,omitempty"`
	Conditions         []metav1.Condition `json:"conditions,omitempty"`
}

// StatusOf reads the status of a HelloService as a map (what the cache holds).
func StatusOf(status map[string]any) HelloServiceStatus {
	var s HelloServiceStatus
	if status != nil {
		// A status this twin did not write may not fit; start from nothing then.
		_ = runtime.DefaultUnstructuredConverter.FromUnstructured(status, &s)
	}
	return s
}

// DesiredStatus is the status for this generation from the Deployment (nil: none yet). Transition
// times of conditions whose status stays are kept, so the same world gives the same status.
func DesiredStatus(generation int64, dep *appsv1.Deployment, previous HelloServiceStatus) HelloServiceStatus {
	s := HelloServiceStatus{ObservedGeneration: generation}
	s.Conditions = append(s.Conditions, previous.Conditions...)
	set := func(t string, ok bool, reason, message string) {
		status := metav1.ConditionFalse
		if ok {
			status = metav1.ConditionTrue
		}
		meta.SetStatusCondition(&s.Conditions, metav1.Condition{
			Type: t, Status: status, ObservedGeneration: generation, Reason: reason, Message: message,
		})
	}
	if dep == nil {
		set("Available", false, "DeploymentNotFound", "The Deployment does not exist yet.")
		set("Progressing", true, "Creating", "Creating the Deployment.")
		set("Ready", false, "DeploymentNotFound", "The Deployment does not exist yet.")
		return s
	}
	wanted := int32(1)
	if dep.Spec.Replicas != nil {
		wanted = *dep.Spec.Replicas
	}
	ready := dep.Status.ReadyReplicas
	s.Replicas, s.ReadyReplicas = &wanted, &ready
	available := meta.IsStatusConditionTrue(deploymentConditions(dep), string(appsv1.DeploymentAvailable)) &&
		dep.Status.AvailableReplicas > 0
	complete := dep.Status.ObservedGeneration >= dep.Generation &&
		dep.Status.UpdatedReplicas >= wanted && dep.Status.Replicas == dep.Status.UpdatedReplicas &&
		dep.Status.AvailableReplicas >= dep.Status.UpdatedReplicas
	if available {
		set("Available", true, "MinimumReplicasAvailable", "Enough pods are ready.")
	} else {
		set("Available", false, "MinimumReplicasUnavailable", "Not enough pods are ready.")
	}
	if complete {
		set("Progressing", false, "RolloutComplete", "All pods run the latest version.")
	} else {
		set("Progressing", true, "RollingOut", "A rollout is under way.")
	}
	switch {
	case !available:
		set("Ready", false, "MinimumReplicasUnavailable", "Not enough pods are ready.")
	case !complete:
		set("Ready", false, "RollingOut", "A rollout is under way.")
	default:
		set("Ready", true, "Ready", "The HelloService is ready.")
	}
	return s
}

// SameStatus compares statuses as the API server stores them (transition times in seconds).
func SameStatus(a, b HelloServiceStatus) bool {
	return equality.Semantic.DeepEqual(a, b)
}

// deploymentConditions converts the Deployment's conditions for apimachinery's condition helpers.
func deploymentConditions(dep *appsv1.Deployment) []metav1.Condition {
	out := make([]metav1.Condition, 0, len(dep.Status.Conditions))
	for _, c := range dep.Status.Conditions {
		out = append(out, metav1.Condition{Type: string(c.Type), Status: metav1.ConditionStatus(c.Status)})
	}
	return out
}
