/**
 * A real mTLS HTTPS server on loopback that enforces what a Traefik TLSOption says, as a
 * stand-in for Traefik (which cannot be installed here). It is configured *from the
 * rendered TLSOption spec* and refuses any field it cannot enforce, so a test cannot pass
 * against a looser server than the one the spec describes.
 *
 * Mapping (Traefik → Node/OpenSSL):
 * - `clientAuth.clientAuthType: RequireAndVerifyClientCert` → `requestCert` + `rejectUnauthorized`
 * - `clientAuth.secretNames` → `ca`: the PEM bundle(s) stored under `tls.ca` of those Secrets
 * - `minVersion`/`maxVersion` `VersionTLS1x` → `minVersion`/`maxVersion` `TLSv1.x`
 * - `cipherSuites` (Go names) → `ciphers` (OpenSSL names); TLS 1.3 suites stay OpenSSL's defaults
 * - `sniStrict: true` → connections without SNI, or with an SNI not among `hostnames`, are closed
 *   (Traefik's sniStrict refuses a handshake whose SNI matches no certificate)
 */
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { AEAD_TLS12_CIPHER_SUITES, type TlsOptionSpec } from "../../components/traefik/tls-option";

/** One request the server saw. */
export interface SeenRequest {
  readonly host: string | undefined;
  readonly servername: string | undefined;
  readonly protocol: string | null;
  readonly peerCommonName: string | undefined;
  readonly peerUris: string[];
  /** True when the TLS session was resumed (a ticket from an earlier handshake), not a full handshake. */
  readonly resumed: boolean;
}

export interface MtlsServer {
  readonly port: number;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

export interface MtlsServerOptions {
  /** The TLSOption spec to enforce. */
  readonly tlsOption: TlsOptionSpec;
  /** Contents of each Secret in `clientAuth.secretNames`, by name (`tls.ca` key). */
  readonly caSecrets: Record<string, string>;
  /** Server certificate chain (leaf first) and key. */
  readonly certPem: string;
  readonly keyPem: string;
  /** Host names the route answers for (what sniStrict checks against). */
  readonly hostnames: readonly string[];
}

const NODE_VERSION = { VersionTLS12: "TLSv1.2", VersionTLS13: "TLSv1.3" } as const;

function nodeVersion(v: string | undefined, field: string): "TLSv1.2" | "TLSv1.3" | undefined {
  if (v === undefined) return undefined;
  const mapped = (NODE_VERSION as Record<string, "TLSv1.2" | "TLSv1.3">)[v];
  if (!mapped) throw new Error(`tls-server: cannot enforce ${field} ${JSON.stringify(v)}`);
  return mapped;
}

function uriSans(subjectaltname: string | undefined): string[] {
  return (subjectaltname ?? "")
    .split(/,\s*/)
    .filter((s) => s.startsWith("URI:"))
    .map((s) => s.slice(4));
}

/** Starts the server on 127.0.0.1 with a random free port. */
export async function startMtlsServer(o: MtlsServerOptions): Promise<MtlsServer> {
  const spec = o.tlsOption;
  const known = new Set(["minVersion", "maxVersion", "cipherSuites", "clientAuth", "sniStrict"]);
  for (const key of Object.keys(spec)) {
    if (!known.has(key)) throw new Error(`tls-server: cannot enforce TLSOption field ${key}`);
  }
  if (spec.clientAuth?.clientAuthType !== "RequireAndVerifyClientCert") {
    throw new Error(`tls-server: expected clientAuthType RequireAndVerifyClientCert, got ${String(spec.clientAuth?.clientAuthType)}`);
  }
  const ca = (spec.clientAuth.secretNames ?? []).map((n) => {
    const pem = o.caSecrets[n];
    if (!pem) throw new Error(`tls-server: no tls.ca content for Secret ${n}`);
    return pem;
  });
  if (ca.length === 0) throw new Error("tls-server: clientAuth.secretNames is empty");
  const ciphers = spec.cipherSuites?.map((s) => {
    const name = (AEAD_TLS12_CIPHER_SUITES as Record<string, string>)[s];
    if (!name) throw new Error(`tls-server: unknown cipher suite ${s}`);
    return name;
  });

  const requests: SeenRequest[] = [];
  const server = https.createServer(
    {
      cert: o.certPem,
      key: o.keyPem,
      ca,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: nodeVersion(spec.minVersion, "minVersion") ?? "TLSv1.2",
      maxVersion: nodeVersion(spec.maxVersion, "maxVersion") ?? "TLSv1.3",
      ...(ciphers ? { ciphers: ciphers.join(":") } : {}),
      honorCipherOrder: true,
    },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.destroyed ? null : socket.getPeerCertificate();
      if (!peer?.subject) {
        // Only reachable on a socket already closed by the sniStrict check.
        res.destroy();
        return;
      }
      requests.push({
        host: req.headers.host,
        servername: (socket as TLSSocket & { servername?: string | false }).servername || undefined,
        protocol: socket.getProtocol(),
        peerCommonName: typeof peer.subject.CN === "string" ? peer.subject.CN : undefined,
        peerUris: uriSans(peer.subjectaltname),
        resumed: socket.isSessionReused(),
      });
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`hello ${String(peer.subject.CN)}\n`);
    },
  );
  if (spec.sniStrict) {
    server.on("secureConnection", (socket: TLSSocket) => {
      const sni = (socket as TLSSocket & { servername?: string | false }).servername;
      if (!sni || !o.hostnames.includes(sni)) socket.destroy();
    });
  }
  server.on("tlsClientError", () => {
    /* refused handshakes are expected in negative tests */
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        const timer = setTimeout(resolve, 2000);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
