/**
 * `npm run bench`: plan scaling (offline engine vs the raw-SDK floor), the tls provider
 * against direct @peculiar/x509 signing, mTLS handshakes with OpenSSL, `openssl speed`.
 * Writes docs/BENCHMARKS.md (or `--out <file>`). Every measurement runs in its own child
 * process; baseline and subject alternate in the same run so that their ratio survives a
 * busy machine.
 *
 *   npm run bench                      # N = 10, 100, 300, 1,000 (300 and 1,000 repeated up to 3 times as the budget allows; 1,000 skipped, and said so, if it would not fit)
 *   npm run bench -- --quick           # CI smoke: tiny N, one repetition, short handshakes
 *   npm run bench -- --only handshakes # the handshakes and openssl speed only (report to stdout, or --out)
 *   npm run bench -- --only handshakes --callgrind   # plus nginx's instructions per full handshake (valgrind)
 *   npm run bench -- --sizes 10,100 --reps 3 --tls-leaves 100 --budget 480 --out /tmp/b.md
 *
 * The plan comparison runs the identities fleet (bench/fleet.ts) against the raw-SDK floor made
 * of the provider SDKs' own classes (bench/plan-child.ts), plus the generic-class floor, the
 * `clients`-shorthand fleet (resources per service before) and both sides with source-mapped
 * stack traces, at N = 100.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { PROFILES, SERVERS, SERVER_LABEL, goVersion, handshakes, nginxInstructionsPerHandshake, mint, tmpDir, type HandshakeResult, type HandshakeServer, type MintedChain } from "./handshake";
import { summarise } from "./profile";
import { RUN_STACK_TRACE_LIMIT } from "../engine/run";
import { ASYNC_CONTEXT_FRAME_FLAG, wantsAsyncContextFrame } from "../engine/async-context";
import { FLEET_CALLERS, type FleetCallers } from "./fleet";
import { processCpu } from "../test/support/proc-stat";

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const started = performance.now();

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const quick = process.argv.includes("--quick");
const sizes = (flag("--sizes") ?? (quick ? "2,4" : "10,100,300,1000")).split(",").map(Number);
const budgetS = Number(flag("--budget") ?? (quick ? "300" : "560"));
/** `--only handshakes`: just the handshake part (and openssl speed), its report to stdout and to --out if given. */
const only = flag("--only");
if (only !== undefined && only !== "handshakes") throw new Error(`--only ${only}: the only part that runs alone is "handshakes"`);
const outFile = path.resolve(ROOT, flag("--out") ?? "docs/BENCHMARKS.md");
const handshakeSeconds = quick ? 1 : 2;
/**
 * The handshake servers measured (`--servers go,nginx,s_server`). s_server is left out by default:
 * it runs the same OpenSSL as nginx (per-handshake instruction counts within 1 % of nginx's under
 * callgrind, both chains) and cannot turn off per-handshake chain completion (see the report).
 */
/** `--callgrind`: also count nginx's instructions per full handshake under valgrind (about 40 s more). */
const callgrind = process.argv.includes("--callgrind");
const servers = (flag("--servers") ?? "go,nginx").split(",").map((x) => {
  const sv = SERVERS.find((k) => k === x);
  if (!sv) throw new Error(`--servers: unknown server "${x}" (known: ${SERVERS.join(", ")})`);
  return sv;
});
const repsFlag = flag("--reps");
const tlsLeaves = Number(flag("--tls-leaves") ?? (quick ? "10" : "150"));
const work = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-bench-"));
// The suite is timed by the full run only (CI runs it anyway, right before the --quick smoke run).
const runSuite = !quick && !process.argv.includes("--no-suite");
/**
 * Seconds the budget keeps for what runs after the plan sizes: the handshakes (2 servers × 2
 * chains × 2 modes × 3 runs × 2 s, plus minting, start-ups and the Go server's build) and openssl
 * speed (about 90 s here), and `npm test` when it is timed (76–102 s on the idle machine with the
 * results kept between runs, test/support/kept-results.ts; 102–126 s with none of them).
 */
const RESERVED_AFTER_PLANS_S = 90 + (runSuite ? 130 : 0);
/** The most repetitions of a plan size (medians); N = 300 and 1,000 get as many as the budget fits. */
const MAX_REPS = 3;

/** The machine's CPU time so far, in clock ticks (/proc/stat `cpu` line): all states, and stolen by the hypervisor. */
function machineTicks(): { total: number; steal: number; idle: number } {
  const line = fs.readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith("cpu ")) ?? "";
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
  return { total: v.slice(0, 8).reduce((a, b) => a + b, 0), steal: v[7] ?? 0, idle: (v[3] ?? 0) + (v[4] ?? 0) };
}

/**
 * The share of the machine's CPU time that other processes used (not idle, not stolen) while
 * the bench waited `ms` doing nothing: whether the machine is shared right now. The load
 * average cannot tell: it decays over minutes, so a job that just ended still shows.
 */
async function othersBusyShare(ms: number): Promise<number> {
  const a = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = machineTicks();
  const total = b.total - a.total;
  return total > 0 ? (total - (b.idle - a.idle) - (b.steal - a.steal)) / total : 0;
}
const ticksAtStart = machineTicks();

interface SuiteResult {
  wallS: number;
  cpuS: number;
  loadAtStart: number;
  summary: string;
  /** The line the summary reporter prints on the loader test's type-checks: how many ran, how many were reused. */
  typechecks: string | undefined;
}

/** Runs `npm test` (vitest run) as a child and measures its wall time and the CPU of its whole process tree. */
function measureSuite(): SuiteResult {
  log("npm test");
  const loadAtStart = os.loadavg()[0] ?? 0;
  const cpu0 = processCpu().children;
  const t0 = performance.now();
  const out = execFileSync(process.execPath, [path.join(ROOT, "node_modules/vitest/vitest.mjs"), "run"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const wallS = (performance.now() - t0) / 1000;
  const summary = /^(\d+ passed, \d+ failed, \d+ skipped)$/m.exec(out)?.[1] ?? "see the vitest output";
  const typechecks = /^Pulumi loader type-checks \([^)]*\): (\d+ checked in this run, \d+ reused)/m.exec(out)?.[1];
  return { wallS, cpuS: processCpu().children - cpu0, loadAtStart, summary, typechecks };
}

type PlanMode = "engine" | "floor" | "floor-generic";

interface PlanSample {
  mode: PlanMode;
  n: number;
  resources: number;
  programMs: number;
  renderMs: number;
  cpuMs: number;
  maxRssMb: number;
  wallMs: number;
}

function log(msg: string): void {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${msg}\n`);
}

async function child(script: string, args: string[], env: Record<string, string> = {}, nodeFlags: string[] = []): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [...nodeFlags, "--import", "tsx", path.join(ROOT, "bench", script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim().split("\n").pop() ?? "";
}

interface PlanRun {
  readonly callers: FleetCallers;
  /** The floor's recorded shape of this fleet. */
  readonly shape: string;
  /** Source-mapped stack traces (BENCH_SOURCE_MAPS=1) instead of the engine's run setting. */
  readonly sourceMaps?: boolean;
  readonly nodeFlags?: string[];
}

/**
 * Node flags of every plan child, engine and floor alike: AsyncContextFrame-backed
 * AsyncLocalStorage where Node does not default to it (22, 23), as the `edge-mtls` command and
 * `npm run plan` run the engine (engine/async-context.ts).
 */
const PLAN_NODE_FLAGS = wantsAsyncContextFrame(process.version, [], undefined) ? [ASYNC_CONTEXT_FRAME_FLAG] : [];

async function plan(mode: PlanMode, n: number, run: PlanRun): Promise<PlanSample> {
  const t0 = performance.now();
  const args = mode === "engine" ? [mode, String(n), "--callers", run.callers] : [mode, String(n), "--shape", run.shape];
  const line = await child("plan-child.ts", args, run.sourceMaps ? { BENCH_SOURCE_MAPS: "1" } : {}, [...PLAN_NODE_FLAGS, ...(run.nodeFlags ?? [])]);
  const s = JSON.parse(line) as PlanSample;
  s.wallMs = performance.now() - t0;
  return s;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const verdict = (ok: boolean): string => (ok ? "met" : "**not met**");

interface PlanRow {
  n: number;
  reps: number;
  engine: PlanSample;
  /** The target's floor: the provider SDKs' own resource classes. */
  floor: PlanSample;
  /** The generic-class floor (less SDK work per resource); absent where it did not run. */
  generic?: PlanSample;
}

interface Shape {
  fixed: Array<{ type: string; custom: boolean }>;
  perService: Array<{ type: string; custom: boolean }>;
}

const medianSample = (xs: PlanSample[]): PlanSample => ({
  ...(xs[0] as PlanSample),
  programMs: median(xs.map((x) => x.programMs)),
  renderMs: median(xs.map((x) => x.renderMs)),
  cpuMs: median(xs.map((x) => x.cpuMs)),
  maxRssMb: median(xs.map((x) => x.maxRssMb)),
  wallMs: median(xs.map((x) => x.wallMs)),
});

interface CellMedian {
  perSecond: number;
  cpu: number;
  n: number;
}
interface Med {
  full: CellMedian;
  resumed: CellMedian & { reused: number };
}
interface HandshakeData {
  chains: MintedChain[];
  /** hsMed[server][chain], medians over the runs. */
  hsMed: Med[][];
  hsReps: number;
  speed: string[];
  go: string;
  /** Per chain, with --callgrind. */
  instructions?: Array<{ connections: number; instructions: number }>;
}

/** Mints both chains, runs every server × chain × mode interleaved, then `openssl speed`. */
async function measureHandshakes(): Promise<HandshakeData> {
  log("handshakes");
  const chains: MintedChain[] = [];
  for (const p of PROFILES) chains.push(await mint(p, tmpDir("chain")));
  type Cell = Record<"full" | "resumed", HandshakeResult[]>;
  // hs[server][chain]: every run of that server with that chain.
  const hs: Cell[][] = servers.map(() => PROFILES.map(() => ({ full: [], resumed: [] })));
  const hsReps = quick ? 1 : 3;
  for (let r = 0; r < hsReps; r++) {
    for (const mode of ["full", "resumed"] as const) {
      for (let j = 0; j < servers.length; j++) {
        const sv = (j + r) % servers.length;
        for (let i = 0; i < chains.length; i++) {
          const ci = (i + r) % chains.length;
          hs[sv]?.[ci]?.[mode].push(await handshakes(chains[ci] as MintedChain, servers[sv] as HandshakeServer, mode, handshakeSeconds));
        }
      }
    }
  }
  const hsMed: Med[][] = hs.map((perChain) =>
    perChain.map((h) => ({
      full: { perSecond: median(h.full.map((x) => x.perSecond)), cpu: median(h.full.map((x) => x.serverCpuMsPerHandshake)), n: h.full.reduce((a, x) => a + x.connections, 0) },
      resumed: { perSecond: median(h.resumed.map((x) => x.perSecond)), cpu: median(h.resumed.map((x) => x.serverCpuMsPerHandshake)), n: h.resumed.reduce((a, x) => a + x.connections, 0), reused: h.resumed.reduce((a, x) => a + x.resumed, 0) },
    })),
  );

  log("openssl speed");
  const speedAlgs = ["ecdsap256", "rsa2048", "rsa4096"];
  const speedOut = execFileSync("openssl", ["speed", "-seconds", quick ? "1" : "2", ...speedAlgs], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const speed = speedOut.split("\n").filter((l) => /^\s*(rsa|\d+ bits ecdsa)/.test(l) || /sign\s+verify/.test(l));

  const instructions: HandshakeData["instructions"] = callgrind ? [] : undefined;
  if (instructions) {
    log("nginx under callgrind");
    for (const c of chains) instructions.push(await nginxInstructionsPerHandshake(c, quick ? 2 : 8));
  }
  return { chains, hsMed, hsReps, speed, go: await goVersion(), ...(instructions ? { instructions } : {}) };
}

/** The handshake rows of the targets table. */
function handshakeTargets({ chains, hsMed }: HandshakeData, target: (name: string, measured: string, ok: boolean | undefined) => void): void {
  const [d, s] = [chains[0], chains[1]] as [MintedChain, MintedChain];
  target("default server chain bytes ≤ 0.25× seed 004's", `${d.serverChainBytes} / ${s.serverChainBytes} = ${f2(d.serverChainBytes / s.serverChainBytes)}×`, d.serverChainBytes / s.serverChainBytes <= 0.25);
  servers.forEach((server, j) => {
    const [hd, hs4] = hsMed[j] as [Med, Med];
    target(`default server CPU per full handshake ≤ 0.95× seed 004's (${SERVER_LABEL[server]})`, `${f2(hd.full.cpu / hs4.full.cpu)}×`, hd.full.cpu / hs4.full.cpu <= 0.95);
  });
  servers.forEach((server, j) => {
    const [hd, hs4] = hsMed[j] as [Med, Med];
    target(`resumed ≤ 0.75× server CPU of full (default chain, ${SERVER_LABEL[server]})`, `${f2(hd.resumed.cpu / hd.full.cpu)}×`, hd.resumed.cpu / hd.full.cpu <= 0.75);
    target(`resumed ≤ 0.75× server CPU of full (seed 004 chain, ${SERVER_LABEL[server]})`, `${f2(hs4.resumed.cpu / hs4.full.cpu)}×`, hs4.resumed.cpu / hs4.full.cpu <= 0.75);
  });
}

/** Why a chain-less certificate makes OpenSSL build the server's chain per handshake (cited in both s_server notes). */
const AUTO_CHAIN = "`ssl_add_cert_chain` runs `X509_verify_cert` unless `SSL_MODE_NO_AUTO_CHAIN` is set or a chain was given ([ssl/statem/statem_lib.c](https://github.com/openssl/openssl/blob/openssl-3.0/ssl/statem/statem_lib.c), [SSL_CTX_set_mode(3)](https://docs.openssl.org/3.0/man3/SSL_CTX_set_mode/))";

/** The report's handshake section. */
function handshakeSection({ chains, hsMed, hsReps, go, instructions }: HandshakeData): string[] {
  const L: string[] = [];
  const [d, s] = [chains[0], chains[1]] as [MintedChain, MintedChain];
  L.push(
    "## mTLS handshakes (OpenSSL)",
    "",
    `Certificates minted by InternalCA through the offline engine (bench/handshake.ts), TLS 1.3, client certificate required and verified up to the root, both sides trusting the root only (the library's trust bundle) and sending their chain as the library's \`chainPem\` holds it. Client: Go crypto/tls (bench/go-tls \`client\`, one connection after the other, each one request for \`/ok.txt\` read to the end), ${handshakeSeconds} s per run, ${hsReps} run(s) per cell, servers, chains and modes interleaved; client and server share the machine. Server CPU per handshake = the server process's utime + stime (/proc) over the connections. Full: every connection a new session; resumed: each connection resumes the previous one's session (TLS 1.3 PSK from the server's session ticket; the client counts \`DidResume\`, and the bench fails if fewer than 95 % resumed). Before each run one request with \`openssl s_client\` (with the client chain) must succeed with the client certificate verified (s_server \`-verify_return_error\`; Go fails the handshake; nginx answers 400 to an unverified client) and must receive exactly the minted server chain, or the bench fails; the load client also fails on any answer but 200 \`ok\`.`,
    "",
    "Servers (all serve the chain as production servers do: the minted chain as it is, nothing built per connection):",
    "",
    `- **Go crypto/tls** (${go}; bench/go-tls \`server\`): the TLS stack of Traefik, the server the library provisions for mTLS. \`tls.LoadX509KeyPair\` of the server \`chainPem\`, TLS 1.3, the client chain verified as \`RequireAndVerifyClientCert\` with the trust bundle as \`ClientCAs\` does (a TLSOption's \`clientAuth\`), except that a resumed session is not verified again: Go has not done so since 1.21 ([golang/go#77217](https://github.com/golang/go/issues/77217)), Debian's Go here still would, and Traefik is built with a current Go. \`net/http\` answers \`ok\`. Go's RSA and ECDSA code also changed between releases: read this row as this Go's, not as a Traefik release's.`,
    "- **nginx** (a production OpenSSL server): one process, `ssl_certificate` = the library's server `chainPem`, `ssl_verify_client on`, `ssl_client_certificate` = the root, `return 200` for `/ok.txt`, no access log. nginx sets `SSL_MODE_NO_AUTO_CHAIN` on every context (`ngx_ssl_create`, [src/event/ngx_event_openssl.c](https://github.com/nginx/nginx/blob/release-1.22.1/src/event/ngx_event_openssl.c#L386-L388)), so it sends the configured file and never builds a chain. Traefik (Go crypto/tls) does the same: it sends `tls.Certificate.Certificate` as loaded ([`certMsg.certificate = *hs.cert`](https://github.com/golang/go/blob/master/src/crypto/tls/handshake_server_tls13.go), [crypto/tls Certificate](https://pkg.go.dev/crypto/tls#Certificate)).",
    ...(servers.includes("s_server") ? [] : [`- **s_server** (OpenSSL's test server; measured only with \`--servers …,s_server\`, as it runs the same OpenSSL as nginx): this bench measured it alone before, with a chain-less default certificate and a \`-CAfile\`, so that OpenSSL completed the default server's chain from that store on **every** handshake — ${AUTO_CHAIN} — and sent the root too: a chain build and an ECDSA verification per connection that only the default chain paid and no production server pays. Its CA file also lacked seed 004's client intermediate, so that s_server never verified seed 004's client certificate (it logs and ignores verification errors without \`-verify_return_error\`).`]),
    ...(servers.includes("s_server") ? [`- **s_server** (\`openssl s_server -Verify 3 -verify_return_error -verify_quiet -tls1_3 -WWW\`, each request answered with a 3-byte file, not \`-www\`'s status page, whose generation is not handshake work): the client CAs go to \`-verifyCAfile\`, with \`-no-CAfile -no-CApath -no-CAstore\`, and the seed 004 intermediate to \`-cert_chain\`. With a chain-less certificate and a \`-CAfile\` (this bench before), OpenSSL completes the server's chain from that store on **every** handshake — ${AUTO_CHAIN} — and sends the root too: a chain build and an ECDSA verification per connection that only the default chain paid, and that no production server pays. s_server has no option to set that mode, so its chain store is left empty: for the default chain it still starts a (failing, signature-free) chain build per connection, which nginx does not.`] : []),
    "",
    "| server | chain | server chain bytes (DER, server → client) | client chain bytes (DER, client → server) | full handshakes / s | server CPU ms / full | resumed / s | server CPU ms / resumed | resumed / full CPU |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
  );
  servers.forEach((server, j) => {
    PROFILES.forEach((p, i) => {
      const c = chains[i] as MintedChain;
      const h = hsMed[j]?.[i] as Med;
      L.push(`| ${SERVER_LABEL[server]} | ${p.label} | ${c.serverChainBytes} | ${c.clientChainBytes} | ${f1(h.full.perSecond)} | ${f2(h.full.cpu)} | ${f1(h.resumed.perSecond)} | ${f2(h.resumed.cpu)} | ${f2(h.resumed.cpu / h.full.cpu)} |`);
    });
  });
  L.push("");
  servers.forEach((server, j) => {
    const [hd, hs4] = hsMed[j] as [Med, Med];
    L.push(`Ratios default / seed 004 (${SERVER_LABEL[server]}): full handshakes per second ${f2(hd.full.perSecond / hs4.full.perSecond)}×, server CPU per full handshake ${f2(hd.full.cpu / hs4.full.cpu)}×, per resumed handshake ${f2(hd.resumed.cpu / hs4.resumed.cpu)}×.`, "");
  });
  if (instructions) {
    const [di, si] = instructions as [{ connections: number; instructions: number }, { connections: number; instructions: number }];
    L.push(
      `Instructions per full handshake, nginx under valgrind's callgrind (\`--callgrind\`; counters zeroed after start-up, then the load client's full handshakes; deterministic where CPU time on a shared machine is not): default ${(di.instructions / 1e6).toFixed(2)} M (${di.connections} handshakes), seed 004 ${(si.instructions / 1e6).toFixed(2)} M (${si.connections}), ratio ${f2(di.instructions / si.instructions)}×. Instructions are not cycles: RSA's big-number code runs more instructions per cycle than the certificate-parsing code that dominates the default chain's handshake, so the CPU-time ratio above sits higher than this one.`,
      "",
    );
  }
  L.push(
    `Chain bytes default / seed 004: server ${f2(d.serverChainBytes / s.serverChainBytes)}×, client ${f2(d.clientChainBytes / s.clientChainBytes)}×.`,
    "",
    "The client sends its whole chain (leaf and, for seed 004, the Mesh Clients intermediate): the client chain bytes above are on the wire, and every server parses and verifies them as in production.",
    "",
    "Where the library configures TLS, resumption is on: the nginx renderer writes `proxy_ssl_session_reuse on;` (nginx's default, written out so that no template can lose it; test/traefik/nginx-render.test.ts), and Traefik (Go crypto/tls) issues TLS 1.3 session tickets by default (`SessionTicketsDisabled` false) — the library sets no option that disables them.",
    "",
    "The gain is real only where a client keeps and offers the session: test/traefik/e2e-nginx.test.ts shows nginx's rendered snippet resuming its TLS 1.3 session to the mTLS server on the next connection (and not resuming with `proxy_ssl_session_reuse off`), and test/stacks/stacks.test.ts that no TLSOption of any stack sets `disableSessionTickets` (a field of the upstream TLSOption CRD).",
    "",
  );
  return L;
}

function speedSection(speed: string[]): string[] {
  return ["## openssl speed (the physical reference)", "", "```", ...speed, "```", ""];
}

async function main(): Promise<void> {
  log(`work dir ${work}; sizes ${sizes.join(", ")}; budget ${budgetS}s`);
  const load = os.loadavg();
  const othersBusy = await othersBusyShare(3000);
  // The floors replay the engine's own resources (types, names, parents, inputs) of one service, per fleet design.
  const runs: Record<FleetCallers, PlanRun> = {
    identities: { callers: "identities", shape: path.join(work, "shape-identities.json") },
    clients: { callers: "clients", shape: path.join(work, "shape-clients.json") },
  };
  const shapes = {} as Record<FleetCallers, Shape>;
  for (const c of FLEET_CALLERS) {
    await child("plan-child.ts", ["engine", "2", "--callers", c, "--shape", runs[c].shape]);
    shapes[c] = JSON.parse(fs.readFileSync(runs[c].shape, "utf8")) as Shape;
  }
  const shapeJson = shapes.identities;
  const perServiceTypes = new Map<string, number>();
  for (const e of shapeJson.perService) perServiceTypes.set(e.type, (perServiceTypes.get(e.type) ?? 0) + 1);

  // 1. tls provider vs direct signing (ECDSA default; RSA seed 004 profile, fewer leaves).
  log("tls provider vs @peculiar/x509");
  const tls = [JSON.parse(await child("tls-child.ts", [String(tlsLeaves), "ECDSA"])), JSON.parse(await child("tls-child.ts", [quick ? "2" : "10", "RSA"]))] as Array<{
    kind: string;
    leaves: number;
    providerMsPerLeaf: number;
    directMsPerLeaf: number;
    ratio: number;
  }>;

  // 2. Plan scaling of the identities fleet: engine, floor and generic floor, order rotating per repetition.
  const rows: PlanRow[] = [];
  const runSize = async (n: number, reps: number, withGeneric: boolean): Promise<void> => {
    const got: Record<PlanMode, PlanSample[]> = { engine: [], floor: [], "floor-generic": [] };
    const modes: PlanMode[] = withGeneric ? ["engine", "floor", "floor-generic"] : ["engine", "floor"];
    for (let r = 0; r < reps; r++) {
      // Rotate the order, so that none always runs on a warmer (or busier) machine.
      const order = r % 2 === 0 ? modes : [...modes].reverse();
      for (const m of order) got[m].push(await plan(m, n, runs.identities));
      log(`N=${n} rep ${r + 1}: ${modes.map((m) => `${m} ${f1((got[m].at(-1)?.wallMs ?? 0) / 1000)}s`).join(", ")}`);
    }
    rows.push({ n, reps, engine: medianSample(got.engine), floor: medianSample(got.floor), ...(withGeneric ? { generic: medianSample(got["floor-generic"]) } : {}) });
  };
  // The "before" design at N = 100 (or the largest size below it): every service mints its own caller CAs;
  // and what the run's stack-trace setting is worth (both sides with source-mapped stack traces).
  const beforeN = sizes.includes(100) ? 100 : (sizes.filter((n) => n < 1000).at(-1) ?? 2);
  const extras = async (): Promise<{ before: { n: number; engine: PlanSample; floor: PlanSample }; mapped: { n: number; engine: PlanSample; floor: PlanSample } }> => {
    log(`clients-shorthand fleet, N=${beforeN}`);
    const before = { n: beforeN, engine: await plan("engine", beforeN, runs.clients), floor: await plan("floor", beforeN, runs.clients) };
    log(`source-mapped stack traces, N=${beforeN}`);
    const mapped = { n: beforeN, floor: await plan("floor", beforeN, { ...runs.identities, sourceMaps: true }), engine: await plan("engine", beforeN, { ...runs.identities, sourceMaps: true }) };
    return { before, mapped };
  };
  let skipped = "";
  let extra: Awaited<ReturnType<typeof extras>> | undefined;
  for (const n of sizes) {
    let reps = repsFlag ? Number(repsFlag) : quick ? 1 : n <= 100 ? 3 : 1;
    const prev = rows.at(-1);
    if (n > beforeN && !extra) extra = await extras();
    if (prev && n >= 300 && !quick) {
      // Project this size and the larger ones from the previous size: one repetition (engine +
      // floor) of each, and the profile run of the engine at the largest.
      const pairS = (m: number): number => ((prev.engine.wallMs + prev.floor.wallMs) / 1000) * (m / prev.n) * 1.1;
      const profileS = (m: number): number => (prev.engine.wallMs / 1000) * (m / prev.n) * 1.1 * 1.3;
      const larger = sizes.filter((m) => m > n);
      const keep = larger.reduce((sum, m) => sum + pairS(m), 0) + profileS(Math.max(n, ...larger));
      const left = budgetS - (performance.now() - started) / 1000 - RESERVED_AFTER_PLANS_S;
      const fit = Math.floor((left - keep) / pairS(n));
      // N = 1,000 and up runs only if its repetitions (one, or --reps) fit.
      if (n >= 1000 && fit < (repsFlag ? reps : 1)) {
        skipped = `N = ${n} skipped: projected ${((repsFlag ? reps : 1) * pairS(n) + profileS(n)).toFixed(0)} s (with its profile), ${Math.max(0, left).toFixed(0)} s left in the ${budgetS} s budget.`;
        log(skipped);
        break;
      }
      // Medians of up to 3 where they fit (unless --reps says): a single run of each side moves by ±20 % on this VM.
      if (!repsFlag) reps = Math.max(1, Math.min(MAX_REPS, fit));
    }
    // The generic floor is a second reference; at the largest size it is left out for time.
    await runSize(n, reps, n < 1000);
  }
  const { before, mapped } = extra ?? (await extras());

  // 3. CPU profile of the largest N that ran (a separate engine run: profiling slows it down).
  const profN = rows.at(-1)?.n ?? 2;
  const profDir = path.join(work, "profile");
  log(`CPU profile, N=${profN}`);
  await plan("engine", profN, { ...runs.identities, nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${profDir}`] });
  const profFile = fs.readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
  const prof = profFile ? summarise(path.join(profDir, profFile), 15) : undefined;

  // 4. Handshakes, 5. openssl speed.
  const hsData = await measureHandshakes();
  const { speed } = hsData;

  // 6. The test suite (`npm test`), last, so that nothing else of the bench runs beside it.
  const suite = runSuite ? measureSuite() : undefined;

  const endLoad = os.loadavg();
  const ticksAtEnd = machineTicks();
  const stealShare = (ticksAtEnd.steal - ticksAtStart.steal) / Math.max(1, ticksAtEnd.total - ticksAtStart.total);
  const totalS = (performance.now() - started) / 1000;
  const cpus = os.cpus();
  const opensslVersion = execFileSync("openssl", ["version"], { encoding: "utf8" }).trim();

  // ---------------------------------------------------------------- report
  const L: string[] = [];
  L.push(
    "# Benchmarks",
    "",
    `Written by \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\`${quick ? " (**--quick**: smoke run, tiny N, not a measurement)" : ""} on ${new Date().toISOString().slice(0, 10)} in ${totalS.toFixed(0)} s. Reproduce with \`npm run bench\` (about ${Math.ceil(totalS / 60)} min here); \`npm run bench -- --quick\` is the CI smoke run.`,
    "",
    "## Machine",
    "",
    `- ${cpus.length} × ${cpus[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`,
    `- Node ${process.version}, ${opensslVersion}`,
    `- Other processes used ${(othersBusy * 100).toFixed(0)} % of the machine's CPU in the 3 s before the bench started (/proc/stat, the bench idle). Load average at start ${load.map(f1).join(" / ")}, at end ${endLoad.map(f1).join(" / ")} (1 / 5 / 15 min; it decays over minutes, so it also shows jobs that had just ended).` +
      (othersBusy > 0.25
        ? " **The machine was shared while this ran** (other jobs used the same cores): absolute times are inflated and noisy. Every baseline runs interleaved with its subject in the same run, so read the ratios, not the absolute numbers."
        : ""),
    `- CPU time stolen by the hypervisor during the run: ${pct(stealShare)} of the machine's CPU time (/proc/stat). On a virtual machine the same run can take noticeably longer from one hour to the next; each ratio below compares runs made minutes apart, interleaved.`,
    "",
  );

  L.push("## Targets", "", "| target | measured | verdict |", "|---|---|---|");
  const target = (name: string, measured: string, ok: boolean | undefined): void => {
    L.push(`| ${name} | ${measured} | ${ok === undefined ? "not measured" : verdict(ok)} |`);
  };
  // The targets name N = 100, 300 and 1,000; a reduced run (--sizes) shows what it measured.
  for (const r of rows.filter((x) => x.n >= 100 || !rows.some((y) => y.n >= 100))) {
    target(`offline plan ≤ 1.25× raw-SDK floor, N = ${r.n} (wall)`, `${f2(r.engine.wallMs / r.floor.wallMs)}× (CPU ${f2(r.engine.cpuMs / r.floor.cpuMs)}×)`, r.engine.wallMs / r.floor.wallMs <= 1.25);
    target(`peak RSS ≤ 1.25× floor's, N = ${r.n}`, `${f2(r.engine.maxRssMb / r.floor.maxRssMb)}×`, r.engine.maxRssMb / r.floor.maxRssMb <= 1.25);
  }
  const r100 = rows.find((r) => r.n === 100);
  const r1000 = rows.find((r) => r.n === 1000);
  if (r100 && r1000) target("t(1000) / t(100) ≤ 11", f2(r1000.engine.wallMs / r100.engine.wallMs), r1000.engine.wallMs / r100.engine.wallMs <= 11);
  else target("t(1000) / t(100) ≤ 11", skipped || "N = 1,000 not run", undefined);
  const rr = rows.filter((r) => r.n >= 10);
  if (rr.length >= 2) {
    const first = rr[0] as PlanRow;
    const last = rr.at(-1) as PlanRow;
    const perRes = (r: PlanRow): number => r.engine.renderMs / r.engine.resources;
    target(`render time linear (ms per resource, N = ${first.n} → ${last.n})`, `${f2(perRes(first))} → ${f2(perRes(last))}`, perRes(last) <= perRes(first) * 1.5);
  }
  const ecdsa = tls.find((t) => t.kind === "ECDSA");
  if (ecdsa) target("tls provider ≤ 1.5× direct @peculiar/x509 per certificate (ECDSA)", `${f2(ecdsa.ratio)}×`, ecdsa.ratio <= 1.5);
  handshakeTargets(hsData, target);
  if (suite) target("`npm test` ≤ 90 s wall", `${f1(suite.wallS)} s (CPU ${f1(suite.cpuS)} s)`, suite.wallS <= 90);
  else target("`npm test` ≤ 90 s wall", quick ? "not run (--quick)" : "not run (--no-suite)", undefined);
  L.push("");

  const perShape = (sh: Shape) => sh.perService.length;
  const fixedOf = (sh: Shape) => sh.fixed.length + 1;
  L.push(
    "## Plan scaling: offline engine vs the raw-SDK floor",
    "",
    `The program (bench/fleet.ts): one InternalCA, one TraefikInstall and N MtlsServices, each called by two workloads that are shared \`WorkloadIdentity\`s (the recommended design, docs/traefik-mtls.md) — ${perShape(shapeJson)} resources per service (${[...perServiceTypes.entries()].map(([t, c]) => `${c} ${t.split(":").pop() ?? t}`).join(", ")}) plus ${fixedOf(shapeJson)} shared (the CA, the Traefik install, the two identities, the stack).`,
    "",
    "- **Engine**: `runProgram` (the real component code, real crypto for `tls`), then `renderPlan`.",
    "- **Floor** (what the targets use): the same resources — types, names, parents and inputs, recorded from the engine's own run at N = 2 and replayed per service — registered with the raw SDK under `pulumi.runtime.setMocks`, every custom resource through its provider SDK's own class (`tls.PrivateKey`, `k8s.core.v1.Secret`, `k8s.apiextensions.CustomResource`, …): what a program registering the same resource types with the raw SDK runs, output properties included. No component code, no crypto, no rendering.",
    "- **Generic floor** (a second reference, not the target's): the same, but every custom resource as one generic `class Raw extends pulumi.CustomResource` with only the recorded inputs — no provider class, no declared output properties, so less SDK work per resource than the real types cost. Left out at N = 1,000 for time.",
    "",
    `Both sides run under the stack-trace settings the engine applies during a run: \`Error.stackTraceLimit\` ${RUN_STACK_TRACE_LIMIT} and V8's plain stack formatting (\`RunOptions.sourceMappedStackTraces: false\`; the floor calls the engine's \`applyRunStackTraceSettings\`). Each measurement is a fresh \`node${PLAN_NODE_FLAGS.map((f) => ` ${f}`).join("")} --import tsx\` process${PLAN_NODE_FLAGS.length ? ` (${ASYNC_CONTEXT_FRAME_FLAG} for both sides: AsyncLocalStorage without async_hooks, Node 24's default, as the \`edge-mtls\` command and \`npm run plan\` run the engine on Node 22; the engine isolates runs with the SDK's AsyncLocalStorage; the floor enters no store, so the async_hooks the flag replaces never ran there)` : ""}; wall includes start-up (loading tsx, the SDKs and the components: a few seconds, the same order for both sides); CPU (all threads, including WebCrypto's) and peak RSS come from \`process.resourceUsage()\` of that process. "work s" is the time after start-up: the program (and for the engine the render). Medians of ${rows.map((r) => `${r.reps} (N = ${r.n})`).join(", ")} runs, the order rotating per repetition.`,
    "",
    "| N | resources | engine wall s | floor wall s | **wall ratio** | CPU ratio | engine work s | floor work s | work ratio | engine peak RSS MB | floor peak RSS MB | RSS ratio | render s | render ms / resource | generic floor wall s | engine / generic floor (wall) |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of rows) {
    const e = r.engine;
    const fl = r.floor;
    const g = r.generic;
    L.push(
      `| ${r.n} | ${e.resources} | ${f1(e.wallMs / 1000)} | ${f1(fl.wallMs / 1000)} | **${f2(e.wallMs / fl.wallMs)}** | ${f2(e.cpuMs / fl.cpuMs)} | ${f1((e.programMs + e.renderMs) / 1000)} | ${f1(fl.programMs / 1000)} | ${f2((e.programMs + e.renderMs) / fl.programMs)} | ${e.maxRssMb.toFixed(0)} | ${fl.maxRssMb.toFixed(0)} | ${f2(e.maxRssMb / fl.maxRssMb)} | ${f2(e.renderMs / 1000)} | ${f2(e.renderMs / e.resources)} | ${g ? f1(g.wallMs / 1000) : "—"} | ${g ? f2(e.wallMs / g.wallMs) : "—"} |`,
    );
  }
  if (skipped) L.push("", skipped);
  const cl = shapes.clients;
  const rpsAfter = perShape(shapeJson);
  const rpsBefore = perShape(cl);
  L.push(
    "",
    `### Resources per service: \`clients\` shorthand (before) vs shared identities (after)`,
    "",
    `With the \`clients\` shorthand every service mints its own CA and certificate per caller: ${rpsBefore} resources per service plus ${fixedOf(cl)} shared; with two shared \`WorkloadIdentity\`s, ${rpsAfter} per service plus ${fixedOf(shapeJson)} shared (${f2(rpsAfter / rpsBefore)}× per service). The same comparison at N = ${before.n}, one run each, the floor replaying each fleet's own resources:`,
    "",
    "| fleet | resources | resources / service | engine wall s | floor wall s | wall ratio | engine CPU s | floor CPU s | CPU ratio | engine peak RSS MB |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  const at = rows.find((r) => r.n === before.n);
  const fleetRow = (label: string, rps: number, e: PlanSample, fl: PlanSample): string =>
    `| ${label} | ${e.resources} | ${rps} | ${f1(e.wallMs / 1000)} | ${f1(fl.wallMs / 1000)} | ${f2(e.wallMs / fl.wallMs)} | ${f1(e.cpuMs / 1000)} | ${f1(fl.cpuMs / 1000)} | ${f2(e.cpuMs / fl.cpuMs)} | ${e.maxRssMb.toFixed(0)} |`;
  L.push(fleetRow("`clients` shorthand (before)", rpsBefore, before.engine, before.floor));
  if (at) L.push(fleetRow(`shared identities (after; medians of ${at.reps})`, rpsAfter, at.engine, at.floor));
  L.push(
    "",
    `### What the stack-trace setting is worth`,
    "",
    `The Pulumi SDK reads \`new Error().stack\` for every resource (\`Resource.callsites\`, with no frame limit, for its source position) and every output promise; under tsx (and ts-node under \`pulumi up\`) Node maps every frame through source maps. The engine formats stacks as V8 does by default while a run is in progress (errors reaching the caller are formatted with the caller's setting when first read; RunOptions.sourceMappedStackTraces). Shared identities at N = ${mapped.n}, one run each, **both sides with source-mapped stack traces**: engine ${f1(mapped.engine.wallMs / 1000)} s wall / ${f1(mapped.engine.cpuMs / 1000)} s CPU, floor ${f1(mapped.floor.wallMs / 1000)} s / ${f1(mapped.floor.cpuMs / 1000)} s (ratio ${f2(mapped.engine.wallMs / mapped.floor.wallMs)}× wall, ${f2(mapped.engine.cpuMs / mapped.floor.cpuMs)}× CPU)` +
      (at ? `, against ${f1(at.engine.cpuMs / 1000)} s and ${f1(at.floor.cpuMs / 1000)} s CPU with the run's setting above.` : "."),
    "",
  );
  if (prof) {
    L.push(`### Where the engine's time goes (CPU profile, N = ${profN})`, "", `\`node --cpu-prof\` of one engine run (${f1(prof.total / 1000)} s sampled, including start-up and idle time waiting on WebCrypto threads). Self time by area:`, "", "| area | self ms | share |", "|---|---:|---:|");
    for (const a of prof.areas.slice(0, 10)) L.push(`| ${a.name} | ${a.ms.toFixed(0)} | ${pct(a.share)} |`);
    L.push("", "Top functions by self time:", "", "| function | where | self ms | share |", "|---|---|---:|---:|");
    for (const fn of prof.functions) L.push(`| \`${fn.name}\` | ${fn.where} | ${fn.ms.toFixed(0)} | ${pct(fn.share)} |`);
    L.push("");
  }
  L.push(
    "## The tls provider against direct signing",
    "",
    "One leaf through the engine's `tls` provider — `PrivateKey` → `CertRequest` → `LocallySignedCert` signed by a shared CA, as `IssuedCertificate` registers them — against the same leaf made directly with `@peculiar/x509` from an in-memory WebCrypto key pair and CA key (no CSR, no PEM round trips). Interleaved blocks in one process (bench/tls-child.ts).",
    "",
    "| keys | leaves per side | provider ms / leaf | direct ms / leaf | ratio |",
    "|---|---:|---:|---:|---:|",
    ...tls.map((t) => `| ${t.kind === "RSA" ? "RSA-2048 leaf, RSA-4096 CA" : "ECDSA P-256 leaf and CA"} | ${t.leaves} | ${f2(t.providerMsPerLeaf)} | ${f2(t.directMsPerLeaf)} | ${f2(t.ratio)} |`),
    "",
    "RSA key generation dominates the RSA row on both sides.",
    "",
  );
  L.push(...handshakeSection(hsData));
  L.push(
    ...(suite
      ? [
          "## The test suite",
          "",
          `\`npm test\` (vitest run, the whole suite: ${suite.summary}), run by the bench after everything else: **${f1(suite.wallS)} s wall**, ${f1(suite.cpuS)} s CPU (user + system of vitest, its workers and every process they start), load average ${f1(suite.loadAtStart)} at its start. On ${cpus.length} cores the wall time cannot go below CPU / ${cpus.length}. Where the CPU goes: the list vitest prints after the run (test/support/per-file.ts), and README.md § Test suite cost. The Pulumi loader test's example type-checks in this run: ${suite.typechecks ?? "not reported"} from an earlier run with identical inputs (test/support/kept-results.ts; a run with \`EDGE_MTLS_TEST_COLD=1\` reuses nothing: README.md § Test suite cost gives both).`,
          "",
        ]
      : []),
    ...speedSection(speed),
  );
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, L.join("\n"));
  log(`wrote ${path.relative(ROOT, outFile)} in ${totalS.toFixed(0)} s`);
  fs.rmSync(work, { recursive: true, force: true });
}

/** `--only handshakes`: the handshake targets and section, on stdout (and in --out when given). */
async function handshakesOnly(): Promise<void> {
  const load = os.loadavg();
  const h = await measureHandshakes();
  const L: string[] = [
    `# Handshakes (\`npm run bench -- ${process.argv.slice(2).join(" ")}\`, ${new Date().toISOString()})`,
    "",
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}; ${execFileSync("openssl", ["version"], { encoding: "utf8" }).trim()}; load average at start ${load.map(f1).join(" / ")}, at end ${os.loadavg().map(f1).join(" / ")}.`,
    "",
    "| target | measured | verdict |",
    "|---|---|---|",
  ];
  handshakeTargets(h, (name, measured, ok) => L.push(`| ${name} | ${measured} | ${ok === undefined ? "not measured" : verdict(ok)} |`));
  L.push("", ...handshakeSection(h), ...speedSection(h.speed));
  process.stdout.write(`${L.join("\n")}\n`);
  if (flag("--out")) fs.writeFileSync(outFile, L.join("\n"));
  fs.rmSync(work, { recursive: true, force: true });
}

(only === "handshakes" ? handshakesOnly() : main()).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
