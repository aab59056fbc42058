// A Go crypto/tls mTLS server (Traefik's TLS stack) for the handshake bench: TLS 1.3,
// client certificate required and verified up to the root, "ok\n" for every request.
// Usage: gosrv <addr> <server-fullchain.pem> <server.key> <trust.pem> <client-intermediates.pem>
package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
)

func pool(file string) *x509.CertPool {
	p := x509.NewCertPool()
	b, err := os.ReadFile(file)
	if err != nil {
		panic(err)
	}
	p.AppendCertsFromPEM(b)
	return p
}

func main() {
	cert, err := tls.LoadX509KeyPair(os.Args[2], os.Args[3])
	if err != nil {
		panic(err)
	}
	roots := pool(os.Args[4])
	// s_time cannot send its intermediate: verify as crypto/tls does for RequireAndVerifyClientCert
	// (the peer's certs[1:] as Intermediates, ClientCAs as Roots, ExtKeyUsageClientAuth), with the
	// client intermediate supplied here instead of from the wire.
	intermediates := pool(os.Args[5])
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS13,
		ClientAuth:   tls.RequireAnyClientCert,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if cs.DidResume {
				// As crypto/tls since Go 1.21 (golang/go#77217): a resumed session's chain was verified by
				// its full handshake and is not verified again.
				return nil
			}
			if len(cs.PeerCertificates) == 0 {
				return errors.New("no client certificate")
			}
			inter := intermediates
			if len(cs.PeerCertificates) > 1 {
				inter = intermediates.Clone()
				for _, c := range cs.PeerCertificates[1:] {
					inter.AddCert(c)
				}
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
			return err
		},
	}
	ln, err := tls.Listen("tcp", os.Args[1], cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println("ACCEPT")
	_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) }))
}
