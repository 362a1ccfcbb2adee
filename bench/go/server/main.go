// The baseline: a minimal Go net/http server answering GET / with the same text and the same
// content headers as the Node workload. It listens on 127.0.0.1 only and prints its port.
package main

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"strconv"
)

func main() {
	msg := []byte("Hello, world!\n")
	if m, ok := os.LookupEnv("MESSAGES"); ok {
		msg = []byte(m)
	}
	length := strconv.Itoa(len(msg))
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv("PORT"))
	if err != nil {
		panic(err)
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]int{"port": ln.Addr().(*net.TCPAddr).Port})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Length", length)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Vary", "Accept")
		_, _ = w.Write(msg)
	})
	panic(http.Serve(ln, handler))
}
