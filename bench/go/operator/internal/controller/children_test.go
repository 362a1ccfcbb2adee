package controller

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The same object and hash as ours' withAppliedHash gives (operator/reconcile/up-to-date.ts): the
// twin writes the same annotation, so both apply identical objects.
func TestWithAppliedHashMatchesOurs(t *testing.T) {
	child := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{
			"name": "a", "namespace": "n", "labels": map[string]any{"x/y": "<&>"},
			"ownerReferences": []any{map[string]any{
				"apiVersion": "hello.operators.dev/v1alpha1", "kind": "HelloService", "name": "a", "uid": "u-1",
				"controller": true, "blockOwnerDeletion": true,
			}},
		},
		"data":      map[string]any{"MESSAGES": "Hello \"é\" \u2603", "n": int64(8080)},
		"immutable": true,
	}}
	hash, err := WithAppliedHash(child)
	if err != nil {
		t.Fatal(err)
	}
	if want := "0251170b98a3ee2f9fefe35a093cb838"; hash != want {
		t.Fatalf("hash %s, ours %s", hash, want)
	}
	if child.GetAnnotations()[AppliedHashAnnotation] != hash {
		t.Fatal("annotation not set")
	}
}

func TestMessageKeyMatchesTheBench(t *testing.T) {
	if got := MessageKey("Hello from 0"); got != "4d396ed819ae6d79" {
		t.Fatalf("MessageKey %s", got)
	}
}

func TestDesiredStatusReadyOnlyWhenRolledOut(t *testing.T) {
	two := int32(2)
	dep := &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Replicas: &two}}
	dep.Generation = 2
	dep.Status = appsv1.DeploymentStatus{
		ObservedGeneration: 2, Replicas: 2, UpdatedReplicas: 2, ReadyReplicas: 2, AvailableReplicas: 2,
		Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: "True"}},
	}
	s := DesiredStatus(3, dep, HelloServiceStatus{})
	if !conditionTrue(s, "Ready") || s.ObservedGeneration != 3 || *s.ReadyReplicas != 2 {
		t.Fatalf("not Ready: %+v", s)
	}
	// Computed again from the same world: the same status, so nothing is written.
	if !SameStatus(s, DesiredStatus(3, dep, s)) {
		t.Fatal("a second computation differs")
	}
	dep.Status.UpdatedReplicas = 1
	if conditionTrue(DesiredStatus(3, dep, s), "Ready") {
		t.Fatal("Ready during a rollout")
	}
	if conditionTrue(DesiredStatus(1, nil, HelloServiceStatus{}), "Ready") {
		t.Fatal("Ready without a Deployment")
	}
}
