/**
 * Real-crypto checks for tests: OpenSSL's `verify`, `s_server`/`s_client`, and Node `tls`
 * handshakes between certificates the engine minted. Loopback only, bounded timeouts.
 */
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The folders `writePems` made and `removeWrittenPems` has not removed yet. */
const pemDirs: string[] = [];

/**
 * Writes named PEM files into a fresh temp dir and returns their paths. The folder is removed
 * after the test file (`removeWrittenPems`, called by test/support/per-file.ts): the files
 * hold private keys, and a run writes several hundred of them.
 */
export function writePems<T extends Record<string, string>>(files: T): { dir: string; path: Record<keyof T, string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-pems-"));
  pemDirs.push(dir);
  const out = {} as Record<keyof T, string>;
  for (const [name, pem] of Object.entries(files)) {
    const p = path.join(dir, `${name}.pem`);
    fs.writeFileSync(p, pem, { mode: 0o600 });
    out[name as keyof T] = p;
  }
  return { dir, path: out };
}

/** Removes every folder `writePems` made in this process so far. */
export function removeWrittenPems(): void {
  for (const dir of pemDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** `openssl verify`; resolves to { ok, output }. */
export async function opensslVerify(opts: { caFile: string; cert: string; untrusted?: string; purpose?: "sslclient" | "sslserver"; attime?: Date; partialChain?: boolean }): Promise<{ ok: boolean; output: string }> {
  const args = ["verify", "-CAfile", opts.caFile];
  if (opts.untrusted) args.push("-untrusted", opts.untrusted);
  if (opts.purpose) args.push("-purpose", opts.purpose);
  if (opts.attime) args.push("-attime", String(Math.floor(opts.attime.getTime() / 1000)));
  if (opts.partialChain) args.push("-partial_chain");
  args.push(opts.cert);
  try {
    const { stdout, stderr } = await run("openssl", args);
    return { ok: true, output: stdout + stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

/** Parses a certificate with `openssl x509 -text`. */
export async function opensslText(pemFile: string): Promise<string> {
  const { stdout } = await run("openssl", ["x509", "-in", pemFile, "-noout", "-text"]);
  return stdout;
}

export interface TlsEndpoint {
  /** Certificate chain PEM (leaf first). */
  readonly cert?: string;
  /** Private key PEM. */
  readonly key?: string;
  /** Trusted CA PEM(s). */
  readonly ca: string;
  readonly minVersion?: tls.SecureVersion;
  readonly maxVersion?: tls.SecureVersion;
}

export interface HandshakeResult {
  readonly ok: boolean;
  /** Why it failed (client or server error). */
  readonly error?: string;
  /** The client certificate subject CN the server saw. */
  readonly peerCommonName?: string;
  readonly protocol?: string;
}

/**
 * A real mTLS handshake over loopback with Node's `tls` (OpenSSL underneath): the server
 * requires and verifies a client certificate, the client verifies the server's certificate
 * for `servername`. Succeeds only if the server accepted the client and the application
 * data round trip completed.
 */
export async function mtlsHandshake(server: TlsEndpoint & { requireClientCert?: boolean }, client: TlsEndpoint & { servername: string }, timeoutMs = 5000): Promise<HandshakeResult> {
  let serverError: string | undefined;
  let peerCommonName: string | undefined;
  const srv = tls.createServer({
    cert: server.cert,
    key: server.key,
    ca: server.ca,
    requestCert: server.requireClientCert ?? true,
    // Verification still happens (OpenSSL's verify result); the socket is refused below, so
    // that the test can read *why* (s.authorizationError) instead of a bare hang-up.
    rejectUnauthorized: false,
    minVersion: server.minVersion ?? "TLSv1.2",
    maxVersion: server.maxVersion ?? "TLSv1.3",
  });
  srv.on("tlsClientError", (e) => {
    serverError = e.message;
  });
  srv.on("secureConnection", (s) => {
    if ((server.requireClientCert ?? true) && !s.authorized) {
      const presented = Object.keys(s.getPeerCertificate() ?? {}).length > 0;
      serverError = presented ? String(s.authorizationError) : "NO_CLIENT_CERTIFICATE";
      s.destroy();
      return;
    }
    const peer = s.getPeerCertificate();
    peerCommonName = typeof peer?.subject?.CN === "string" ? peer.subject.CN : undefined;
    s.end("ok\n");
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  try {
    return await new Promise<HandshakeResult>((resolve) => {
      let data = "";
      let protocol: string | undefined;
      const timer = setTimeout(() => {
        sock.destroy();
        resolve({ ok: false, error: `timeout${serverError ? `; server: ${serverError}` : ""}` });
      }, timeoutMs);
      const sock = tls.connect({
        host: "127.0.0.1",
        port,
        servername: client.servername,
        ca: client.ca,
        cert: client.cert,
        key: client.key,
        minVersion: client.minVersion ?? "TLSv1.2",
        maxVersion: client.maxVersion ?? "TLSv1.3",
        rejectUnauthorized: true,
      });
      sock.on("secureConnect", () => {
        protocol = sock.getProtocol() ?? undefined;
      });
      sock.on("data", (d: Buffer) => {
        data += d.toString();
      });
      sock.on("error", (e: Error) => {
        clearTimeout(timer);
        resolve({ ok: false, error: `client: ${e.message}${serverError ? `; server: ${serverError}` : ""}` });
      });
      sock.on("close", () => {
        clearTimeout(timer);
        if (data === "ok\n") resolve({ ok: true, peerCommonName, protocol });
        else resolve({ ok: false, error: `connection closed without data${serverError ? `; server: ${serverError}` : ""}` });
      });
    });
  } finally {
    await new Promise<void>((r) => srv.close(() => r()));
  }
}

/**
 * A real handshake between `openssl s_server` (requiring and verifying a client
 * certificate) and `openssl s_client`. Returns whether the server accepted the client.
 */
export async function opensslHandshake(opts: {
  /**
   * `partialChain`: the server's CA file may hold intermediates as trust anchors
   * (`-partial_chain`, X509_V_FLAG_PARTIAL_CHAIN): how a verifier that pins an issuer
   * trusts it, as Go's crypto/x509 treats every certificate of its pool.
   */
  server: { cert: string; key: string; caFile: string; partialChain?: boolean };
  client: { cert?: string; key?: string; caFile: string; servername: string };
  tls13Only?: boolean;
  /** Verify certificates (both sides) as of this moment instead of the wall clock (`-attime`). */
  attime?: Date;
}): Promise<HandshakeResult> {
  const port = await freePort();
  const attime = opts.attime ? ["-attime", String(Math.floor(opts.attime.getTime() / 1000))] : [];
  const sargs = ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", opts.server.cert, "-cert_chain", opts.server.cert, "-key", opts.server.key, "-CAfile", opts.server.caFile, "-Verify", "5", "-verify_return_error", "-naccept", "1", "-www", ...attime];
  if (opts.tls13Only) sargs.push("-tls1_3");
  if (opts.server.partialChain) sargs.push("-partial_chain");
  const server = spawn("openssl", sargs, { stdio: ["ignore", "pipe", "pipe"] });
  let serr = "";
  server.stderr.on("data", (d: Buffer) => (serr += d.toString()));
  server.stdout.on("data", (d: Buffer) => (serr += d.toString()));
  try {
    await waitFor(() => serr.includes("ACCEPT"), 15_000, "openssl s_server did not start");
    const cargs = ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", opts.client.servername, "-verify_hostname", opts.client.servername, "-CAfile", opts.client.caFile, "-verify_return_error", ...attime];
    if (opts.client.cert && opts.client.key) cargs.push("-cert", opts.client.cert, "-cert_chain", opts.client.cert, "-key", opts.client.key);
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn("openssl", cargs, { stdio: ["pipe", "pipe", "pipe"] });
      let out = "";
      // Close stdin (s_client then exits) once the response arrived, or after 3 s: a fixed short
      // delay lost the response on a loaded machine although the handshake had succeeded.
      let ended = false;
      const end = () => {
        if (!ended) c.stdin.end();
        ended = true;
      };
      c.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (/HTTP\/1\.0 200 ok/i.test(out)) end();
      });
      c.stderr.on("data", (d: Buffer) => (out += d.toString()));
      const t = setTimeout(() => c.kill("SIGKILL"), 8000);
      const idle = setTimeout(end, 3000);
      c.on("close", (code) => {
        clearTimeout(t);
        clearTimeout(idle);
        resolve({ code, out });
      });
      // A refused handshake can end s_client before it reads stdin: the failure is the result, not an EPIPE.
      c.stdin.on("error", () => undefined);
      c.stdin.write("GET / HTTP/1.0\r\n\r\n");
    });
    const ok = result.code === 0 && /HTTP\/1\.0 200 ok/i.test(result.out);
    return ok ? { ok: true } : { ok: false, error: `${result.out.slice(-800)}\nserver: ${serr.slice(-800)}` };
  } finally {
    server.kill("SIGKILL");
  }
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error("freePorts(1) returned no port");
  return port;
}

/**
 * `count` distinct free TCP ports on 127.0.0.1: all bound at once, then released. Ports taken one
 * at a time can repeat (the kernel may hand a released port out again), and a server given the
 * same address twice fails to start (workerd exits on the second socket, after the first listens).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => net.createServer());
  try {
    await Promise.all(servers.map((srv) => new Promise<void>((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(0, "127.0.0.1", resolve);
    })));
    return servers.map((srv) => (srv.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((resolve) => (srv.listening ? srv.close(() => resolve()) : resolve()))));
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(what);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Waits until something listens on 127.0.0.1:`port`. `check` runs before every attempt and
 * throws to give up early (e.g. the server process exited).
 */
export async function waitForPort(port: number, timeoutMs: number, check: () => void = () => undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    check();
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, "127.0.0.1");
      s.on("connect", () => {
        s.destroy();
        r(true);
      });
      s.on("error", () => r(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
