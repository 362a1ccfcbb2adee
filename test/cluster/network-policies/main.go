// kube-network-policies (sigs.k8s.io/kube-network-policies) for the local cluster: its controller,
// run as a host process per node like our kube-proxy, with a kubeconfig instead of the in-cluster
// config. All nodes share the machine's network namespace, so each node's instance has its own
// nftables table and queue and enforces the policies of that node's pods only, as a DaemonSet pod
// does on kind. build.sh swaps the nftables `queue` statement for the xtables NFQUEUE target (see
// overlay/), because these kernels have nfnetlink_queue and nft_compat but not nft_queue.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/kube-network-policies/pkg/networkpolicy"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster (required)")
	nodeName := flag.String("node-name", "", "the Node whose pods this instance guards (required)")
	queueID := flag.Int("nfqueue-id", 100, "netfilter queue number, one per instance")
	table := flag.String("nftables-table", "kube-network-policies", "nftables table name, one per instance")
	klog.InitFlags(nil)
	flag.Parse()
	if *kubeconfig == "" || *nodeName == "" {
		fmt.Fprintln(os.Stderr, "--kubeconfig and --node-name are required")
		os.Exit(2)
	}
	if err := run(*kubeconfig, networkpolicy.Config{
		QueueID:     *queueID,
		NodeName:    *nodeName,
		NFTableName: *table,
		// Fail closed, as upstream's default: a stopped instance drops its pods' new connections.
		FailOpen: false,
		// The DNS race it works around is fixed in kernels 6.12+, which these machines run.
		NetfilterBug1766Fix: false,
		// NRI would need containerd's NRI socket; the API server's pod IPs are enough here.
		NRIdisabled: true,
	}); err != nil {
		klog.Fatal(err)
	}
}

func run(kubeconfig string, cfg networkpolicy.Config) error {
	rc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	client, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	factory := informers.NewSharedInformerFactory(client, 0)
	controller, err := networkpolicy.NewController(client,
		factory.Networking().V1().NetworkPolicies(),
		factory.Core().V1().Namespaces(),
		factory.Core().V1().Pods(),
		nil, nil, nil, nil, // nodes and the admin policy APIs: only for AdminNetworkPolicy
		cfg)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- controller.Run(ctx) }()
	factory.Start(ctx.Done())
	<-ctx.Done()
	// Run removes its table on the way out; give it the moment upstream's main gives it.
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
	}
	return err
}
