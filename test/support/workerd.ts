/**
 * Runs Workers in `workerd`, Cloudflare's Workers runtime (the `workerd` npm package's binary),
 * from a Cap'n Proto config the test writes: loopback only, free ports, files in a temp dir,
 * stopped by pid. The config schema is the package's own `workerd.capnp` (ExternalServer.https
 * with TlsOptions.keypair for a client certificate, HttpOptions.cfBlobHeader for `request.cf`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { freePorts } from "./pki";

/** Path of the workerd binary shipped in the npm package. */
export function workerdBinary(): string {
  const pkg = path.dirname(require.resolve("workerd/package.json"));
  const bin = path.join(pkg, "bin", "workerd");
  if (!fs.existsSync(bin)) throw new Error(`workerd binary not found at ${bin} (is the workerd devDependency installed?)`);
  return bin;
}

/** A Cap'n Proto text literal (only for short plain values; PEMs and code go in files via `embed`). */
export function capnpString(value: string): string {
  return JSON.stringify(value);
}

export interface WorkerdRun {
  /** Port of each socket, by socket name. */
  readonly ports: Record<string, number>;
  /** workerd's stdout + stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface WorkerdConfig {
  /** Files written next to the config (referenced with `embed "<name>"`), by name. */
  readonly files: Record<string, string>;
  /** The `services = [ ... ]` entries, Cap'n Proto text. */
  readonly services: readonly string[];
  /** Sockets: name → (service, extra http options as Cap'n Proto text, e.g. `cfBlobHeader = "cf-blob"`). */
  readonly sockets: Record<string, { service: string; http?: string }>;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`workerd did not listen on ${port} within ${timeoutMs} ms:\n${log()}`);
}

/** Writes the config and files, starts `workerd serve`, waits until every socket listens. */
export async function startWorkerd(config: WorkerdConfig): Promise<WorkerdRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-workerd-"));
  for (const [name, content] of Object.entries(config.files)) fs.writeFileSync(path.join(dir, name), content, { mode: 0o600 });
  const ports: Record<string, number> = {};
  const sockets: string[] = [];
  const free = await freePorts(Object.keys(config.sockets).length);
  for (const [name, s] of Object.entries(config.sockets)) {
    ports[name] = free.shift() ?? 0;
    sockets.push(`(name = ${capnpString(name)}, address = ${capnpString(`127.0.0.1:${ports[name]}`)}, http = (${s.http ?? ""}), service = ${capnpString(s.service)})`);
  }
  const text = [
    'using Workerd = import "/workerd/workerd.capnp";',
    "const config :Workerd.Config = (",
    `  services = [\n    ${config.services.join(",\n    ")}\n  ],`,
    `  sockets = [\n    ${sockets.join(",\n    ")}\n  ]`,
    ");",
    "",
  ].join("\n");
  const configPath = path.join(dir, "config.capnp");
  fs.writeFileSync(configPath, text);

  let output = "";
  const child = spawn(workerdBinary(), ["serve", configPath], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const log = (): string => output;
  try {
    for (const port of Object.values(ports)) await waitForPort(port, child, log, 20_000);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return {
    ports,
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
          return;
        }
        child.once("exit", () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}
