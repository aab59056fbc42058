/**
 * Handshake cost of the mTLS the library provisions: certificates minted by InternalCA
 * (through the offline engine), served by Go's crypto/tls and nginx (and on request
 * `openssl s_server`), TLS 1.3 with client certificates, loaded by a Go crypto/tls client that
 * sends the library's client chain. Full handshakes and resumed ones (TLS 1.3 PSK from session
 * tickets), server CPU per handshake from /proc/<pid>/stat, chain bytes in DER.
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { InternalCA, type KeyAlgorithm } from "../components";
import { splitPem } from "../components/common/pem";
import { runProgram } from "../engine/run";
import { processCpu } from "../test/support/proc-stat";
import { nginxBinary } from "../test/support/nginx";
import { waitForPort } from "../test/support/pki";

export interface ChainProfile {
  readonly label: string;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly leafKeyAlgorithm: KeyAlgorithm;
  readonly intermediate: boolean;
}

/** The library's default (InternalCA with no arguments) and seed 004's RSA chain. */
export const PROFILES: readonly ChainProfile[] = [
  { label: "default (ECDSA P-256 root → P-256 leaf)", keyAlgorithm: "ECDSA-P256", leafKeyAlgorithm: "ECDSA-P256", intermediate: false },
  { label: "seed 004 (RSA-4096 root → RSA-4096 intermediate → RSA-2048 leaf)", keyAlgorithm: "RSA-4096", leafKeyAlgorithm: "RSA-2048", intermediate: true },
];

export interface MintedChain {
  readonly dir: string;
  readonly serverChainBytes: number;
  readonly clientChainBytes: number;
}

function derBytes(pem: string): number {
  return splitPem(pem).reduce((n, c) => n + Buffer.from(c.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64").length, 0);
}

/** Mints a server and a client certificate with the library (defaults except the profile's keys). */
export async function mint(profile: ChainProfile, dir: string): Promise<MintedChain> {
  const plan = await runProgram(
    () => {
      const ca = new InternalCA("bench", {
        subject: { commonName: "bench Root CA", organization: "bench" },
        keyAlgorithm: profile.keyAlgorithm,
        leafKeyAlgorithm: profile.leafKeyAlgorithm,
        intermediate: profile.intermediate,
        protect: false,
      });
      const server = ca.issueServerCertificate("server", { dnsNames: ["bench.mesh.internal"] });
      const client = ca.issueClientCertificate("client", { identity: "bench-client" });
      return {
        serverChain: server.chainPem,
        serverKey: pulumi.unsecret(server.privateKeyPem),
        clientCert: client.certPem,
        clientChain: client.chainPem,
        clientKey: pulumi.unsecret(client.privateKeyPem),
        trust: ca.trustBundle,
      };
    },
    { stack: "bench", project: "bench" },
  );
  const o = plan.outputs as Record<string, string>;
  fs.mkdirSync(dir, { recursive: true });
  const [leaf, ...rest] = splitPem(o.serverChain ?? "");
  fs.writeFileSync(path.join(dir, "server.pem"), `${leaf ?? ""}\n`);
  fs.writeFileSync(path.join(dir, "server-chain.pem"), rest.map((c) => `${c}\n`).join(""));
  // The server's chain as one file (leaf first), as nginx's ssl_certificate and Traefik take it.
  fs.writeFileSync(path.join(dir, "server-fullchain.pem"), o.serverChain ?? "");
  fs.writeFileSync(path.join(dir, "server.key"), o.serverKey ?? "");
  fs.writeFileSync(path.join(dir, "client.pem"), o.clientCert ?? "");
  // The client's whole chain (leaf first, as the library's chainPem), sent by the client on the wire.
  fs.writeFileSync(path.join(dir, "client-chain.pem"), o.clientChain ?? "");
  fs.writeFileSync(path.join(dir, "client.key"), o.clientKey ?? "");
  // Both sides trust the root only (the library's trustBundle), as deployed; each sends its chain.
  fs.writeFileSync(path.join(dir, "trust.pem"), o.trust ?? "");
  const [, ...clientIntermediates] = splitPem(o.clientChain ?? "");
  fs.writeFileSync(path.join(dir, "client-intermediates.pem"), clientIntermediates.map((c) => `${c.trimEnd()}\n`).join(""));
  return { dir, serverChainBytes: derBytes(o.serverChain ?? ""), clientChainBytes: derBytes(o.clientChain ?? "") };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

const execFileAsync = promisify(execFile);

/**
 * The servers measured. All send exactly the library's chain (`chainPem`: leaf, then the
 * intermediate when there is one) and build nothing per handshake:
 *
 * - `go`: Go's crypto/tls, Traefik's TLS stack (bench/go-tls, built with the machine's `go`):
 *   `tls.Certificate` from the chain file, sent as loaded; `RequireAndVerifyClientCert`.
 * - `nginx`: a production OpenSSL server. `ngx_ssl_create` sets `SSL_MODE_NO_AUTO_CHAIN`, so
 *   nginx sends `ssl_certificate`'s file as it is.
 * - `s_server`: OpenSSL's test server. Given no `-cert_chain` and a `-CAfile`, it would complete
 *   the server's chain from that store on every handshake (`ssl_add_cert_chain`: a chain build and
 *   a signature check per connection, and the root sent too); it has no option to turn that off,
 *   so the client CAs go to `-verifyCAfile` (the peer-verification store) and the chain-building
 *   store stays empty (`-no-CAfile -no-CApath -no-CAstore`).
 */
export type HandshakeServer = "go" | "nginx" | "s_server";
export const SERVERS: readonly HandshakeServer[] = ["go", "nginx", "s_server"];
/** How the report names each server. */
export const SERVER_LABEL: Record<HandshakeServer, string> = { go: "Go crypto/tls", nginx: "nginx", s_server: "s_server" };

let goBinary: Promise<string> | undefined;
/** Builds bench/go-tls (server and load client) once per run (standard library only; `go` from Debian's golang-go). */
export function goTlsBinary(): Promise<string> {
  goBinary ??= (async () => {
    const out = path.join(tmpDir("go-tls"), "go-tls");
    await execFileAsync("go", ["build", "-o", out, "."], { cwd: path.join(__dirname, "go-tls"), env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod" } }).catch((e: Error) => {
      throw new Error(`building bench/go-tls needs Go (apt-get install golang-go): ${e.message}`);
    });
    return out;
  })();
  return goBinary;
}

/** `go version`, for the report. */
export async function goVersion(): Promise<string> {
  return (await execFileAsync("go", ["version"], { encoding: "utf8" })).stdout.trim();
}

export interface HandshakeResult {
  readonly server: HandshakeServer;
  readonly mode: "full" | "resumed";
  readonly connections: number;
  readonly resumed: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly serverCpuMsPerHandshake: number;
}

/** The path each connection requests: a 3-byte answer, so that the request costs next to nothing. */
const PAGE = "ok.txt";

interface RunningServer {
  readonly pid: number;
  log(): string;
  stop(): Promise<void>;
}

function spawnServer(bin: string, args: string[], cwd: string, ready: (out: string) => boolean, what: string): Promise<RunningServer> {
  const child = spawn(bin, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const add = (b: Buffer) => (log = (log + b.toString()).slice(-4000));
  child.stdout.on("data", add);
  child.stderr.on("data", add);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<RunningServer>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${what} did not start: ${log}`));
    }, 20_000);
    const poll = setInterval(() => {
      if (ready(log)) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve({ pid: child.pid ?? 0, log: () => log, stop });
      }
    }, 20);
    child.on("exit", (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`${what} exited (${code ?? "signal"}): ${log}`));
    });
  });
}

/**
 * Starts the server on 127.0.0.1:port for the chain in `d`: the server certificate chain as
 * minted, client certificate required and verified against the root (the client sends its
 * intermediate), TLS 1.3, `/ok.txt` answered with "ok".
 */
async function startServer(server: HandshakeServer, d: string, port: number, wrap: string[] = []): Promise<RunningServer> {
  if (server === "go") {
    return spawnServer(await goTlsBinary(), ["server", `127.0.0.1:${port}`, `${d}/server-fullchain.pem`, `${d}/server.key`, `${d}/trust.pem`], d, (out) => out.includes("ACCEPT"), "go-tls server");
  }
  if (server === "s_server") {
    // s_server prints ACCEPT once it listens (a TCP probe instead would stall its accept loop).
    const chain = fs.readFileSync(`${d}/server-chain.pem`, "utf8").trim() ? ["-cert_chain", `${d}/server-chain.pem`] : [];
    return spawnServer(
      "openssl",
      ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", `${d}/server.pem`, "-key", `${d}/server.key`, ...chain,
        "-verifyCAfile", `${d}/trust.pem`, "-no-CAfile", "-no-CApath", "-no-CAstore",
        "-Verify", "3", "-verify_return_error", "-verify_quiet", "-tls1_3", "-WWW", "-naccept", "1000000"],
      d, (out) => out.includes("ACCEPT"), "s_server",
    );
  }
  const bin = nginxBinary();
  if (!bin) throw new Error("nginx is not installed (apt-get install nginx-light)");
  const p = fs.mkdtempSync(path.join(d, "nginx-"));
  // One process (as the suite's nginx), no logs per connection; `ssl_client_certificate` is the
  // trust anchor (and the CA names sent in the CertificateRequest).
  const conf = [
    "daemon off;",
    "master_process off;",
    `pid ${p}/nginx.pid;`,
    `error_log ${p}/error.log warn;`,
    "events { worker_connections 256; }",
    "http {",
    "  access_log off;",
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${p}/${t};`),
    "  server {",
    `    listen 127.0.0.1:${port} ssl;`,
    "    ssl_protocols TLSv1.3;",
    `    ssl_certificate ${d}/server-fullchain.pem;`,
    `    ssl_certificate_key ${d}/server.key;`,
    "    ssl_verify_client on;",
    "    ssl_verify_depth 3;",
    `    ssl_client_certificate ${d}/trust.pem;`,
    `    location = /${PAGE} { return 200 "ok\\n"; }`,
    "  }",
    "}",
    "",
  ].join("\n");
  fs.writeFileSync(`${p}/nginx.conf`, conf);
  const args = ["-p", p, "-c", `${p}/nginx.conf`, "-e", `${p}/error.log`];
  const [cmd, ...rest] = wrap.length > 0 ? [...wrap, bin, ...args] : [bin, ...args];
  const running = await spawnServer(cmd ?? bin, rest, p, () => fs.existsSync(`${p}/nginx.pid`), "nginx");
  // The pid file is written before the listening socket is used; wait until a TCP connection is accepted.
  await waitForPort(port, wrap.length > 0 ? 60_000 : 10_000);
  return running;
}

/**
 * One real request with s_client before measuring: the client certificate is verified by the
 * server (s_server: `-verify_return_error`; Go: the handshake fails; nginx answers 200 only when
 * `$ssl_client_verify` is SUCCESS, 400 otherwise) and the server sends exactly the minted chain (no more certificates:
 * nothing completed from a store). Throws otherwise.
 */
async function preflight(server: HandshakeServer, d: string, port: number): Promise<void> {
  const out = await new Promise<string>((resolve, reject) => {
    const chain = fs.readFileSync(`${d}/client-intermediates.pem`, "utf8").trim() ? ["-cert_chain", `${d}/client-intermediates.pem`] : [];
    const c = spawn("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-tls1_3", "-cert", `${d}/client.pem`, ...chain, "-key", `${d}/client.key`,
      "-CAfile", `${d}/trust.pem`, "-verify_return_error", "-showcerts", "-ign_eof"], { stdio: ["pipe", "pipe", "pipe"] });
    let text = "";
    c.stdout.on("data", (b: Buffer) => (text += b.toString()));
    c.stderr.on("data", (b: Buffer) => (text += b.toString()));
    const timer = setTimeout(() => c.kill("SIGKILL"), 15_000);
    c.on("exit", () => {
      clearTimeout(timer);
      resolve(text);
    });
    c.on("error", reject);
    c.stdin.end(`GET /${PAGE} HTTP/1.0\r\nHost: bench.mesh.internal\r\n\r\n`);
  });
  const sent = (out.match(/^ *\d+ s:/gm) ?? []).length;
  const minted = splitPem(fs.readFileSync(`${d}/server-fullchain.pem`, "utf8")).length;
  if (!/HTTP\/1\.[01] 200/.test(out) || !/^ok\r?$/m.test(out)) throw new Error(`${server}: the mTLS request did not succeed:\n${out}`);
  if (sent !== minted) throw new Error(`${server} sent ${sent} certificates, the minted chain has ${minted}:\n${out}`);
}

/**
 * The load client (bench/go-tls client): connections one after the other for `seconds`, each
 * sending the library's client chain, verifying the server against the root and reading the
 * answer; "full" makes every handshake a new session, "resumed" resumes the previous one.
 */
async function goClient(d: string, port: number, mode: "full" | "resumed", seconds: number): Promise<{ connections: number; resumed: number }> {
  const { stdout } = await execFileAsync(
    await goTlsBinary(),
    ["client", `127.0.0.1:${port}`, `${d}/client-chain.pem`, `${d}/client.key`, `${d}/trust.pem`, "bench.mesh.internal", mode === "full" ? "new" : "reuse", String(seconds), `/${PAGE}`],
    { encoding: "utf8" },
  );
  const r = JSON.parse(stdout) as { connections: number; resumed: number };
  if (!(r.connections > 0)) throw new Error(`go-tls client made no connection: ${stdout}`);
  return r;
}

/** One load-client run (`seconds` long) against a fresh server. */
export async function handshakes(chain: MintedChain, server: HandshakeServer, mode: "full" | "resumed", seconds: number): Promise<HandshakeResult> {
  const port = await freePort();
  const d = chain.dir;
  // The answer is a 3-byte file (s_server `-WWW`) or string (nginx `return`), not s_server's
  // `-www` status page: generating that page (session, ciphers, peer certificate) costs ~0.7 ms per
  // connection, which is not handshake work. The client still makes a request and reads the
  // answer: the TLS 1.3 session tickets arrive after the handshake, and are only read with it.
  fs.writeFileSync(`${d}/${PAGE}`, "ok\n");
  const running = await startServer(server, d, port);
  try {
    await preflight(server, d, port);
    const before = processCpu(running.pid).self;
    const t0 = performance.now();
    const load = await goClient(d, port, mode, seconds);
    const after = processCpu(running.pid).self;
    const wall = (performance.now() - t0) / 1000;
    const { connections, resumed } = load;
    if (mode === "resumed" && resumed < connections * 0.95) throw new Error(`${server}: only ${resumed} of ${connections} connections were resumed`);
    if (mode === "full" && resumed > 0) throw new Error(`${server}: full-handshake run resumed ${resumed} connections`);
    return { server, mode, connections, resumed, seconds: wall, perSecond: connections / wall, serverCpuMsPerHandshake: ((after - before) * 1000) / Math.max(connections, 1) };
  } finally {
    await running.stop();
  }
}

/**
 * Instructions nginx executes per full handshake (valgrind's callgrind, `--callgrind`): a
 * deterministic measure, unlike CPU time on a shared machine. nginx runs under callgrind;
 * the counters are zeroed after start-up, the load client makes full handshakes for `seconds`, and the
 * dump then holds exactly those connections' instructions (accept, handshake, request, close).
 */
export async function nginxInstructionsPerHandshake(chain: MintedChain, seconds: number): Promise<{ connections: number; instructions: number }> {
  const port = await freePort();
  const d = chain.dir;
  const out = fs.mkdtempSync(path.join(d, "callgrind-"));
  const running = await startServer("nginx", d, port, ["valgrind", "--tool=callgrind", `--callgrind-out-file=${out}/cg.out`]);
  try {
    await preflight("nginx", d, port);
    await execFileAsync("callgrind_control", ["--zero", String(running.pid)]);
    const { connections } = await goClient(d, port, "full", seconds);
    await execFileAsync("callgrind_control", ["--dump", String(running.pid)]);
    const dump = fs.readdirSync(out).find((f) => /^cg\.out\.\d+$/.test(f));
    const totals = dump ? /^totals:\s+(\d+)/m.exec(fs.readFileSync(path.join(out, dump), "utf8")) : null;
    if (!totals || connections === 0) throw new Error(`callgrind: no dump or no connections (${dump ?? "no dump"}, ${connections} connections)`);
    return { connections, instructions: Number(totals[1]) / connections };
  } finally {
    await running.stop();
  }
}

let scratch: string | undefined;
/**
 * This process's scratch folder, made on first use and removed when the process exits: it
 * holds the chains' private keys, the servers' files and the Go binary.
 */
function scratchDir(): string {
  if (scratch === undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-bench-handshakes-"));
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    scratch = dir;
  }
  return scratch;
}

/** A fresh temporary folder (for one chain's files), removed when the process exits. */
export function tmpDir(label: string): string {
  return fs.mkdtempSync(path.join(scratchDir(), `${label}-`));
}
