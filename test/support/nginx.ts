/**
 * Runs Debian's nginx (package `nginx-light` or `nginx`) on loopback with a throw-away
 * prefix, for end-to-end tests of rendered configuration. Random free port, bounded
 * start-up and shut-down, everything under a temp directory removed on stop.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { freePorts, waitForPort } from "./pki";

const CANDIDATES = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"];

/** Path of the nginx binary, or undefined when nginx is not installed. */
export function nginxBinary(): string | undefined {
  if (process.env.NGINX_BIN) return process.env.NGINX_BIN;
  return CANDIDATES.find((p) => fs.existsSync(p));
}


export interface RunningNginx {
  /** Port nginx listens on (plain HTTP, loopback); the first server's with several. */
  readonly port: number;
  /** Port of each server, in the order given. */
  readonly ports: readonly number[];
  /** The temp prefix (config, logs); removed by stop(). */
  readonly prefix: string;
  /** nginx's error log so far: the process's (start-up) and the first server's; with `server`, that server's only. */
  errorLog(server?: number): string;
  stop(): Promise<void>;
}

/**
 * Starts nginx with one `server` on 127.0.0.1:<random port> whose body is `serverBody`
 * (e.g. a rendered `location` block). `files` are written into the prefix first
 * (relative names), so the body can reference them by absolute path via `prefix`.
 */
export async function startNginx(serverBody: (prefix: string) => string, files: Record<string, string> = {}): Promise<RunningNginx> {
  return startNginxServers([serverBody], files);
}

/**
 * Starts ONE nginx process with one `server` per body, each on its own random loopback port
 * with its own error log: independent cases (each its own configuration and upstream
 * connections) served by a single nginx, started and checked (`nginx -t`) once.
 */
export async function startNginxServers(serverBodies: ReadonlyArray<(prefix: string) => string>, files: Record<string, string> = {}): Promise<RunningNginx> {
  const bin = nginxBinary();
  if (!bin) throw new Error("nginx is not installed (apt-get install nginx-light)");
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-nginx-"));
  try {
    return await launch(bin, prefix, serverBodies, files);
  } catch (e) {
    fs.rmSync(prefix, { recursive: true, force: true });
    throw e;
  }
}

async function launch(bin: string, prefix: string, serverBodies: ReadonlyArray<(prefix: string) => string>, files: Record<string, string>): Promise<RunningNginx> {
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(prefix, name), content, { mode: 0o600 });
  }
  const ports = await freePorts(serverBodies.length);
  const tmp = (d: string) => path.join(prefix, d);
  for (const d of ["body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"]) fs.mkdirSync(tmp(d));
  const serverLog = (i: number) => tmp(i === 0 ? "logs/error.log" : `logs/server-${i}.log`);
  const conf = [
    "daemon off;",
    // Single process: no privilege drop, so the worker can read 0600 key files owned by the test user.
    "master_process off;",
    `pid ${tmp("nginx.pid")};`,
    `error_log ${tmp("logs/error.log")} info;`,
    "events { worker_connections 64; }",
    "http {",
    "  access_log off;",
    `  client_body_temp_path ${tmp("body")};`,
    `  proxy_temp_path ${tmp("proxy")};`,
    `  fastcgi_temp_path ${tmp("fastcgi")};`,
    `  uwsgi_temp_path ${tmp("uwsgi")};`,
    `  scgi_temp_path ${tmp("scgi")};`,
    "  proxy_connect_timeout 5s;",
    "  proxy_read_timeout 5s;",
    ...serverBodies.flatMap((body, i) => ["  server {", `    listen 127.0.0.1:${ports[i]};`, `    error_log ${serverLog(i)} info;`, body(prefix), "  }"]),
    "}",
    "",
  ].join("\n");
  fs.writeFileSync(tmp("nginx.conf"), conf);
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      return "";
    }
  };
  const errorLog = (server?: number) => (server === undefined ? read(tmp("logs/error.log")) : read(serverLog(server)));
  const check = spawnSync(bin, ["-t", "-p", prefix, "-c", tmp("nginx.conf")], { encoding: "utf8", timeout: 10_000 });
  if (check.status !== 0) {
    throw new Error(`nginx -t failed:\n${check.stderr}\n${conf}`);
  }
  const child = spawn(bin, ["-p", prefix, "-c", tmp("nginx.conf"), "-e", tmp("logs/error.log")], { stdio: "ignore" });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(prefix, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      await waitForPort(port, 5000, () => {
        if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${errorLog()}`);
      }).catch((e: Error) => {
        throw new Error(`${e.message}:\n${errorLog()}`);
      });
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { port: ports[0] as number, ports, prefix, errorLog, stop };
}

/** GET http://127.0.0.1:<port><path> with a bounded timeout; resolves status and body. */
export async function httpGet(port: number, urlPath = "/", timeoutMs = 8000): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}
