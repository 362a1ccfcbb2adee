// kstatus: what Flux, kpt and Helm 4's --wait conclude about objects, computed by the library they
// use (sigs.k8s.io/cli-utils/pkg/kstatus/status). Reads one JSON object, or a List of them (kubectl
// get -o json), on stdin; prints one JSON line per object: {"kind","name","status","message"}.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	// Straight into Unstructured: through a plain map, integers become floats and
	// metadata.generation no longer reads as one.
	var obj unstructured.Unstructured
	if err := obj.UnmarshalJSON(data); err != nil {
		fail(err)
	}
	items := []unstructured.Unstructured{obj}
	if obj.IsList() {
		list, err := obj.ToList()
		if err != nil {
			fail(err)
		}
		items = list.Items
	}
	out := json.NewEncoder(os.Stdout)
	for i := range items {
		result, err := status.Compute(&items[i])
		if err != nil {
			fail(err)
		}
		_ = out.Encode(map[string]string{
			"kind":    items[i].GetKind(),
			"name":    items[i].GetName(),
			"status":  result.Status.String(),
			"message": result.Message,
		})
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kstatus:", err)
	os.Exit(1)
}
