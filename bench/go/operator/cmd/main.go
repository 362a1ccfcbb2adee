// The twin: a controller-runtime operator for the HelloService CRD doing the TypeScript operator's
// job, for `npm run bench:operator`. controller-runtime's defaults except where a flag below says.
package main

import (
	"errors"
	"flag"
	"net/http"
	"os"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"hello-operator/twin/internal/controller"
	"hello-operator/twin/internal/metrics"
)

func main() {
	var metricsAddr, probeAddr, childrenDir string
	var concurrency int
	var stripManagedFields bool
	flag.StringVar(&metricsAddr, "metrics-bind-address", "127.0.0.1:8080", "where /metrics is served (plain HTTP)")
	flag.StringVar(&probeAddr, "health-probe-bind-address", "127.0.0.1:8081", "where /healthz and /readyz are served")
	flag.StringVar(&childrenDir, "children-dir", "", "the rendered children, one file per HelloService and message")
	// Ours' default (controller-runtime's is 1).
	flag.IntVar(&concurrency, "max-concurrent-reconciles", 32, "reconciles at once")
	flag.BoolVar(&stripManagedFields, "strip-managed-fields", false, "cache objects without managedFields")
	opts := zap.Options{}
	opts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts)))
	log := ctrl.Log.WithName("twin")

	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		fail(log.Error, err, "scheme")
	}
	cfg := ctrl.GetConfigOrDie()
	metrics.Observe(cfg)

	// Ours caches only the children carrying its managed-by label; so does the twin.
	managed := labels.SelectorFromSet(labels.Set{"app.kubernetes.io/managed-by": "hello-operator"})
	byObject := map[client.Object]cache.ByObject{}
	for _, t := range controller.ChildTypes() {
		byObject[t] = cache.ByObject{Label: managed}
	}
	cacheOpts := cache.Options{ByObject: byObject}
	if stripManagedFields {
		cacheOpts.DefaultTransform = cache.TransformStripManagedFields()
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: metricsAddr},
		HealthProbeBindAddress: probeAddr,
		Cache:                  cacheOpts,
		// The HelloService is unstructured (no generated Go types); without this its reads would
		// bypass the cache and go to the API server.
		Client: client.Options{Cache: &client.CacheOptions{Unstructured: true}},
	})
	if err != nil {
		fail(log.Error, err, "manager")
	}
	reconciler := &controller.HelloServiceReconciler{
		Client:   mgr.GetClient(),
		Scheme:   scheme,
		Children: controller.RenderedChildren{Dir: childrenDir},
		Recorder: mgr.GetEventRecorder("hello-operator"),
		Writes:   metrics.Writes,
	}
	if err := reconciler.SetupWithManager(mgr, concurrency); err != nil {
		fail(log.Error, err, "controller")
	}
	_ = mgr.AddHealthzCheck("ping", healthz.Ping)
	// Ready once every informer has synced, as ours' /readyz.
	_ = mgr.AddReadyzCheck("informers-synced", func(req *http.Request) error {
		if !mgr.GetCache().WaitForCacheSync(req.Context()) {
			return errors.New("informers not synced")
		}
		return nil
	})
	log.Info("starting", "maxConcurrentReconciles", concurrency)
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		fail(log.Error, err, "manager stopped")
	}
}

func fail(logError func(error, string, ...any), err error, msg string) {
	logError(err, msg)
	os.Exit(1)
}
