module edge-mtls/bench/go-tls-server

go 1.19
