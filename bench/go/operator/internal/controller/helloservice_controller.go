// Package controller is the twin's HelloService controller: controller-runtime's shape, doing the
// job of the TypeScript operator's reconciler for the benchmark (bench/operator.ts).
package controller

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// FieldManager is the operator's own: both apply the same objects under the same manager.
const FieldManager = "hello-operator"

// HelloServiceGVK is the custom resource both operators reconcile (crds/).
var HelloServiceGVK = schema.GroupVersionKind{Group: "hello.operators.dev", Version: "v1alpha1", Kind: "HelloService"}

// NewHelloService is an empty HelloService: the twin has no generated Go types for it.
func NewHelloService() *unstructured.Unstructured {
	hs := &unstructured.Unstructured{}
	hs.SetGroupVersionKind(HelloServiceGVK)
	return hs
}

// waves: as in operator/resources/children.ts, the pods' dependencies first, the autoscaler last.
var waves = map[string]int{"Deployment": 1, "HorizontalPodAutoscaler": 2}

// HelloServiceReconciler applies a HelloService's children and reports its Deployment in the status.
type HelloServiceReconciler struct {
	client.Client
	Scheme   *runtime.Scheme
	Children RenderedChildren
	Recorder events.EventRecorder
	// Writes counts applies by kind, as ours' hello_operator_api_writes_total.
	Writes *prometheus.CounterVec
}

// +kubebuilder:rbac:groups=hello.operators.dev,resources=helloservices;helloservices/status,verbs=get;list;watch;patch

func (r *HelloServiceReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	hs := NewHelloService()
	if err := r.Get(ctx, req.NamespacedName, hs); err != nil {
		// Gone: the garbage collector deletes the children through their owner references.
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if hs.GetDeletionTimestamp() != nil {
		return ctrl.Result{}, nil
	}
	message, _, _ := unstructured.NestedString(hs.Object, "spec", "message")
	children, err := r.Children.For(req.Namespace, req.Name, message)
	if err != nil {
		return ctrl.Result{}, err
	}

	var deployment *appsv1.Deployment
	var created []string
	for wave := range 3 {
		var mu sync.Mutex
		var wg sync.WaitGroup
		var errs []error
		for _, child := range children {
			if waves[child.GetKind()] != wave {
				continue
			}
			wg.Go(func() {
				result, isNew, err := r.applyChild(ctx, hs, child)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
					return
				}
				if isNew {
					created = append(created, child.GetKind())
				}
				if d, ok := result.(*appsv1.Deployment); ok {
					deployment = d
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return ctrl.Result{}, err
		}
	}
	if len(created) > 0 {
		r.Recorder.Eventf(hs, nil, "Normal", "Created", "Reconcile", "Created %s", strings.Join(created, ", "))
	}
	return ctrl.Result{}, r.writeStatus(ctx, hs, deployment)
}

// applyChild applies one child unless the cache shows it as applied already. Returns the child as
// it now is (the apply's answer, or the cached object) and whether it was new.
func (r *HelloServiceReconciler) applyChild(
	ctx context.Context, hs *unstructured.Unstructured, child *unstructured.Unstructured,
) (client.Object, bool, error) {
	child.SetOwnerReferences([]metav1.OwnerReference{{
		APIVersion: hs.GetAPIVersion(), Kind: hs.GetKind(), Name: hs.GetName(), UID: hs.GetUID(),
		Controller: ptrTo(true), BlockOwnerDeletion: ptrTo(true),
	}})
	hash, err := WithAppliedHash(child)
	if err != nil {
		return nil, false, err
	}
	live, err := r.Scheme.New(child.GroupVersionKind())
	if err != nil {
		return nil, false, err
	}
	liveObj := live.(client.Object)
	err = r.Get(ctx, client.ObjectKeyFromObject(child), liveObj)
	exists := err == nil
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, false, err
	}
	if exists {
		owner := metav1.GetControllerOf(liveObj)
		if owner != nil && owner.UID != hs.GetUID() {
			return nil, false, fmt.Errorf("%s %s is controlled by %s %s: not taking it over",
				child.GetKind(), child.GetName(), owner.Kind, owner.Name)
		}
		if owner != nil && liveObj.GetAnnotations()[AppliedHashAnnotation] == hash {
			return liveObj, false, nil
		}
	}
	r.Writes.WithLabelValues(child.GetKind(), "apply").Inc()
	if err := r.Apply(ctx, client.ApplyConfigurationFromUnstructured(child),
		client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
		return nil, false, err
	}
	if child.GetKind() != "Deployment" {
		return child, !exists, nil
	}
	dep := &appsv1.Deployment{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(child.Object, dep); err != nil {
		return nil, false, err
	}
	return dep, !exists, nil
}

// writeStatus applies the status when it differs from what the cache holds.
func (r *HelloServiceReconciler) writeStatus(
	ctx context.Context, hs *unstructured.Unstructured, dep *appsv1.Deployment,
) error {
	statusMap, _, _ := unstructured.NestedMap(hs.Object, "status")
	previous := StatusOf(statusMap)
	desired := DesiredStatus(hs.GetGeneration(), dep, previous)
	if SameStatus(previous, desired) {
		return nil
	}
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&desired)
	if err != nil {
		return err
	}
	patch := NewHelloService()
	patch.SetName(hs.GetName())
	patch.SetNamespace(hs.GetNamespace())
	patch.Object["status"] = content
	r.Writes.WithLabelValues("HelloService/status", "apply").Inc()
	if err := r.Status().Apply(ctx, client.ApplyConfigurationFromUnstructured(patch),
		client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
		return client.IgnoreNotFound(err)
	}
	wasReady := conditionTrue(previous, "Ready")
	if !wasReady && conditionTrue(desired, "Ready") {
		r.Recorder.Eventf(hs, nil, "Normal", "Ready", "Reconcile", "Ready")
	}
	return nil
}

func conditionTrue(s HelloServiceStatus, t string) bool {
	for _, c := range s.Conditions {
		if c.Type == t {
			return c.Status == metav1.ConditionTrue
		}
	}
	return false
}

func ptrTo[T any](v T) *T { return &v }
