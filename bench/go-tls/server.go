package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
)

// pool reads a PEM bundle into a certificate pool.
func pool(file string) *x509.CertPool {
	b, err := os.ReadFile(file)
	if err != nil {
		panic(err)
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(b) {
		panic("no certificates in " + file)
	}
	return p
}

// server: TLS 1.3, the server chain sent as loaded, client certificate required and verified
// against the roots with the intermediates the client sends, "ok\n" for every request.
//
// The verification is what RequireAndVerifyClientCert does (x509 Verify: ClientCAs as roots, the
// client's other certificates as intermediates, clientAuth key usage), written out in
// VerifyConnection for one reason: since Go 1.21 crypto/tls does not verify the chain again when
// a TLS 1.3 session resumes (golang/go#77217), older releases such as Debian bookworm's 1.19 do.
// Traefik is built with a current Go, so the resumed handshakes here must not re-verify either.
func server(args []string) {
	addr, chain, key, rootsFile := args[0], args[1], args[2], args[3]
	cert, err := tls.LoadX509KeyPair(chain, key)
	if err != nil {
		panic(err)
	}
	roots := pool(rootsFile)
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS13,
		ClientAuth:   tls.RequireAnyClientCert,
		ClientCAs:    roots,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if cs.DidResume {
				return nil
			}
			if len(cs.PeerCertificates) == 0 {
				return errors.New("tls: client didn't provide a certificate")
			}
			intermediates := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				intermediates.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
			return err
		},
	}
	ln, err := tls.Listen("tcp", addr, cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println("ACCEPT")
	_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) }))
}
