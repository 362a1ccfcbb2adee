package controller

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// AppliedHashAnnotation carries the hash of the body last applied to a child, as in the operator
// (operator/reconcile/up-to-date.ts): a child whose annotation matches is not written again.
const AppliedHashAnnotation = "hello.operators.dev/applied-hash"

// RenderedChildren reads the children that the operator's `render` gives for a HelloService, from
// files the benchmark writes before it starts: <dir>/<namespace>/<name>/<MessageKey(message)>.json.
// The twin applies exactly the objects ours would, without a Go copy of the builders; reading the
// file on each reconcile stands in for ours rendering on each reconcile.
type RenderedChildren struct {
	Dir string
}

// MessageKey names a message's file: the first 16 hex digits of its SHA-256.
func MessageKey(message string) string {
	sum := sha256.Sum256([]byte(message))
	return hex.EncodeToString(sum[:])[:16]
}

// For returns the children of the HelloService namespace/name with this message, in apply order.
func (r RenderedChildren) For(namespace, name, message string) ([]*unstructured.Unstructured, error) {
	path := filepath.Join(r.Dir, namespace, name, MessageKey(message)+".json")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("no rendered children for %s/%s with this message: %w", namespace, name, err)
	}
	var objects []map[string]any
	// apimachinery's decoder keeps integers as int64, as unstructured objects need them.
	if err := utiljson.Unmarshal(data, &objects); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	children := make([]*unstructured.Unstructured, len(objects))
	for i, o := range objects {
		children[i] = &unstructured.Unstructured{Object: o}
	}
	return children, nil
}

// WithAppliedHash sets the applied-hash annotation to the hash of the child's own content (without
// the annotation): SHA-256 of its JSON with sorted keys, the first 32 hex digits, as ours computes it.
func WithAppliedHash(child *unstructured.Unstructured) (string, error) {
	annotations := child.GetAnnotations()
	delete(annotations, AppliedHashAnnotation)
	if len(annotations) == 0 {
		annotations = nil
	}
	child.SetAnnotations(annotations)
	text, err := canonicalJSON(child.Object)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(text)
	hash := hex.EncodeToString(sum[:])[:32]
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[AppliedHashAnnotation] = hash
	child.SetAnnotations(annotations)
	return hash, nil
}

// canonicalJSON is JSON with sorted keys (encoding/json sorts map keys) and no HTML escaping, as
// JavaScript's JSON.stringify writes strings.
func canonicalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
