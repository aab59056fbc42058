/**
 * Handshake cost of the mTLS the library provisions: certificates minted by InternalCA
 * (through the offline engine), OpenSSL `s_server -Verify` (TLS 1.3) against `s_time`.
 * Full handshakes (`-new`) and resumed ones (`-reuse`, TLS 1.3 PSK from session tickets),
 * server CPU per handshake from /proc/<pid>/stat, chain bytes in DER.
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
        intermediate: ca.intermediateCertPem ?? "",
      };
    },
    { stack: "bench", project: "bench" },
  );
  const o = plan.outputs as Record<string, string>;
  fs.mkdirSync(dir, { recursive: true });
  const [leaf, ...rest] = splitPem(o.serverChain ?? "");
  fs.writeFileSync(path.join(dir, "server.pem"), `${leaf ?? ""}\n`);
  fs.writeFileSync(path.join(dir, "server-chain.pem"), rest.map((c) => `${c}\n`).join(""));
  fs.writeFileSync(path.join(dir, "server.key"), o.serverKey ?? "");
  fs.writeFileSync(path.join(dir, "client.pem"), o.clientCert ?? "");
  fs.writeFileSync(path.join(dir, "client.key"), o.clientKey ?? "");
  // s_time sends only its leaf (no -cert_chain option); the server therefore also knows the
  // intermediate. Both sides verify up to the root.
  fs.writeFileSync(path.join(dir, "ca.pem"), `${(o.trust ?? "").trimEnd()}\n${o.intermediate ? `${o.intermediate.trimEnd()}\n` : ""}`);
  fs.writeFileSync(path.join(dir, "trust.pem"), o.trust ?? "");
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

export interface HandshakeResult {
  readonly mode: "full" | "resumed";
  readonly connections: number;
  readonly resumed: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly serverCpuMsPerHandshake: number;
}

/** The file s_server serves to each s_time connection. */
const PAGE = "ok.txt";

/** One s_time run against a fresh s_server. */
export async function handshakes(chain: MintedChain, mode: "full" | "resumed", seconds: number): Promise<HandshakeResult> {
  const port = await freePort();
  const d = chain.dir;
  // The server answers each request with a 3-byte file (`-WWW`, served from the chain's folder),
  // not with `-www`'s status page: generating that page (session, ciphers, peer certificate) costs
  // ~0.7 ms per connection on both chains, which is not handshake work. s_time must still make an
  // HTTP request (`-www <path>`): without one it closes before the TLS 1.3 session ticket arrives
  // and nothing can be resumed.
  fs.writeFileSync(`${d}/${PAGE}`, "ok\n");
  const server = spawn(
    "openssl",
    ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", `${d}/server.pem`, "-key", `${d}/server.key`,
      ...(fs.readFileSync(`${d}/server-chain.pem`, "utf8").trim() ? ["-cert_chain", `${d}/server-chain.pem`] : []), "-CAfile", `${d}/ca.pem`, "-Verify", "3", "-tls1_3", "-WWW", "-naccept", "1000000"],
    { cwd: d, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  server.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
  try {
    // s_server prints ACCEPT once it listens (a TCP probe instead would stall its accept loop).
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(() => reject(new Error(`s_server did not start: ${stderr}`)), 20_000);
      server.stdout.on("data", (b: Buffer) => {
        seen = (seen + b.toString()).slice(-100);
        if (seen.includes("ACCEPT")) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.on("exit", () => reject(new Error(`s_server exited: ${stderr}`)));
    });
    const pid = server.pid ?? 0;
    const before = processCpu(pid).self;
    const t0 = performance.now();
    const { stdout: out } = await execFileAsync(
      "openssl",
      ["s_time", "-connect", `127.0.0.1:${port}`, mode === "full" ? "-new" : "-reuse", "-tls1_3", "-cert", `${d}/client.pem`, "-key", `${d}/client.key`,
        "-CAfile", `${d}/trust.pem`, "-verify", "3", "-www", `/${PAGE}`, "-time", String(seconds)],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    const after = processCpu(pid).self;
    const wall = (performance.now() - t0) / 1000;
    // "267 connections in 0.45s; 593.33 connections/user sec, ..." (client user CPU), then one
    // progress character per connection: `*` a new session, `r` a resumed one.
    const m = /(\d+) connections in ([\d.]+)s;/.exec(out);
    if (!m) throw new Error(`s_time output not understood:\n${out}\n${stderr}`);
    const connections = Number(m[1]);
    const progress = out.split("\n").filter((l) => /^[*r]+$/.test(l)).join("");
    const resumed = [...progress].filter((ch) => ch === "r").length;
    if (mode === "resumed" && resumed < connections * 0.95) throw new Error(`only ${resumed} of ${connections} connections were resumed:\n${out}`);
    if (mode === "full" && resumed > 0) throw new Error(`full-handshake run resumed ${resumed} connections`);
    return { mode, connections, resumed, seconds: wall, perSecond: connections / wall, serverCpuMsPerHandshake: ((after - before) * 1000) / Math.max(connections, 1) };
  } finally {
    server.kill("SIGTERM");
  }
}

/** The fraction of resumed connections s_time reports as actually resumed (it prints `r` per reuse, `*` per new session). */
export function tmpDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `edge-mtls-bench-${label}-`));
}
