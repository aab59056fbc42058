module edge-mtls/bench/go-tls

go 1.19
