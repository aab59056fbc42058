package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// client: one connection after the other for the given seconds, each a TLS 1.3 handshake that
// sends the whole client chain (leaf first, as the library's chainPem), verifies the server
// against the roots, makes one HTTP/1.0 request and reads the answer to the end (so that the
// server's session tickets are read). "new": every handshake full; "reuse": the first full, then
// each resumes the session from the tickets of the previous one. Prints JSON counts.
func client(args []string) {
	addr, chain, key, roots, name, mode, path := args[0], args[1], args[2], args[3], args[4], args[5], args[7]
	seconds, err := strconv.ParseFloat(args[6], 64)
	if err != nil {
		panic(err)
	}
	cert, err := tls.LoadX509KeyPair(chain, key)
	if err != nil {
		panic(err)
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		RootCAs:      pool(roots),
		ServerName:   name,
		MinVersion:   tls.VersionTLS13,
	}
	if mode == "reuse" {
		cfg.ClientSessionCache = tls.NewLRUClientSessionCache(4)
	}
	request := []byte("GET " + path + " HTTP/1.0\r\nHost: " + name + "\r\n\r\n")
	connections, resumed := 0, 0
	start := time.Now()
	for time.Since(start).Seconds() < seconds {
		conn, err := tls.Dial("tcp", addr, cfg)
		if err != nil {
			fail(connections, err)
		}
		if _, err := conn.Write(request); err != nil {
			fail(connections, err)
		}
		body, err := io.ReadAll(conn)
		if err != nil {
			fail(connections, err)
		}
		if !bytes.HasPrefix(body, []byte("HTTP/1.")) || !bytes.Contains(body, []byte(" 200 ")) || !bytes.HasSuffix(body, []byte("ok\n")) {
			fail(connections, fmt.Errorf("unexpected answer %q", body))
		}
		if conn.ConnectionState().DidResume {
			resumed++
		}
		_ = conn.Close()
		connections++
	}
	out, _ := json.Marshal(map[string]any{"connections": connections, "resumed": resumed, "seconds": time.Since(start).Seconds()})
	fmt.Println(string(out))
}

func fail(after int, err error) {
	fmt.Fprintf(os.Stderr, "connection %d: %v\n", after+1, err)
	os.Exit(1)
}
