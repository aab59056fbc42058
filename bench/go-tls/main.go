// The Go side of the handshake bench (bench/handshake.ts): Go's crypto/tls, the TLS stack of
// Traefik, as an mTLS server and as the load client. Standard library only.
//
//	go-tls server <addr> <server-chain.pem> <server.key> <client-roots.pem>
//	go-tls client <addr> <client-chain.pem> <client.key> <server-roots.pem> <server-name> <new|reuse> <seconds> <path>
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go-tls server|client ...")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "server":
		server(os.Args[2:])
	case "client":
		client(os.Args[2:])
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}
