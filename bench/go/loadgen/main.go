// A small closed-loop HTTP/1.1 load generator: C keep-alive connections, each sending GET /
// and reading the whole response before the next one, for a fixed time. It is written for
// speed (one core of it must outrun one core of the server under test) and it only connects
// to loopback addresses. Prints one JSON line: requests, errors, req/s and latency percentiles.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"
)

type result struct {
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	Non200   int64   `json:"non200"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"rps"`
	P50Ms    float64 `json:"p50Ms"`
	P99Ms    float64 `json:"p99Ms"`
	MaxMs    float64 `json:"maxMs"`
	FirstErr string  `json:"firstError,omitempty"`
}

type worker struct {
	latencies []int64 // nanoseconds
	errors    int64
	non200    int64
	firstErr  error
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "host:port, loopback only")
	conns := flag.Int("c", 32, "connections")
	dur := flag.Duration("d", 10*time.Second, "duration")
	expect := flag.String("expect", "", "expected body (checked on every response)")
	flag.Parse()

	host, _, err := net.SplitHostPort(*addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		fmt.Fprintln(os.Stderr, "loadgen: -addr must be a loopback IP and port")
		os.Exit(2)
	}
	req := []byte("GET / HTTP/1.1\r\nHost: " + *addr + "\r\nUser-Agent: hello-bench\r\nAccept: */*\r\n\r\n")
	want := []byte(*expect)

	deadline := time.Now().Add(*dur)
	workers := make([]*worker, *conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range workers {
		w := &worker{latencies: make([]int64, 0, 1<<16)}
		workers[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(*addr, req, want, deadline)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()

	var all []int64
	r := result{Seconds: elapsed}
	for _, w := range workers {
		all = append(all, w.latencies...)
		r.Errors += w.errors
		r.Non200 += w.non200
		if w.firstErr != nil && r.FirstErr == "" {
			r.FirstErr = w.firstErr.Error()
		}
	}
	slices.Sort(all)
	r.Requests = int64(len(all))
	r.RPS = float64(r.Requests) / elapsed
	if len(all) > 0 {
		r.P50Ms = ms(all[len(all)*50/100])
		r.P99Ms = ms(all[len(all)*99/100])
		r.MaxMs = ms(all[len(all)-1])
	}
	_ = json.NewEncoder(os.Stdout).Encode(r)
}

func ms(ns int64) float64 { return float64(ns) / 1e6 }

func (w *worker) fail(err error) {
	w.errors++
	if w.firstErr == nil {
		w.firstErr = err
	}
}

func (w *worker) run(addr string, req, want []byte, deadline time.Time) {
	for time.Now().Before(deadline) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			w.fail(err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		_ = conn.SetDeadline(deadline.Add(5 * time.Second))
		br := bufio.NewReaderSize(conn, 64<<10)
		body := make([]byte, 0, 4096)
		for time.Now().Before(deadline) {
			t0 := time.Now()
			if _, err := conn.Write(req); err != nil {
				w.fail(err)
				break
			}
			status, keepAlive, b, err := readResponse(br, body[:0])
			if err != nil {
				w.fail(err)
				break
			}
			body = b
			w.latencies = append(w.latencies, int64(time.Since(t0)))
			if status != 200 || (len(want) > 0 && !bytes.Equal(b, want)) {
				w.non200++
			}
			if !keepAlive {
				break
			}
		}
		_ = conn.Close()
	}
}

// readResponse reads one response with a Content-Length body (all the servers under test send one).
func readResponse(br *bufio.Reader, body []byte) (status int, keepAlive bool, b []byte, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, false, nil, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, false, nil, errors.New("bad status line: " + strconv.Quote(string(line)))
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, nil, err
	}
	length := -1
	keepAlive = true
	for {
		h, err := br.ReadSlice('\n')
		if err != nil {
			return 0, false, nil, err
		}
		if len(h) <= 2 {
			break
		}
		colon := bytes.IndexByte(h, ':')
		if colon < 0 {
			continue
		}
		name := h[:colon]
		value := bytes.TrimSpace(h[colon+1:])
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			length, err = strconv.Atoi(string(value))
			if err != nil {
				return 0, false, nil, err
			}
		case bytes.EqualFold(name, []byte("Connection")):
			keepAlive = !bytes.EqualFold(value, []byte("close"))
		}
	}
	if length < 0 {
		return 0, false, nil, errors.New("response without Content-Length")
	}
	if cap(body) < length {
		body = make([]byte, length)
	}
	body = body[:length]
	if _, err := io.ReadFull(br, body); err != nil {
		return 0, false, nil, err
	}
	return status, keepAlive, body, nil
}
