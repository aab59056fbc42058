/**
 * Small helpers for the engine's acceptance tests: OpenSSL/ssh-keygen on a PEM string,
 * and typed access to recorded outputs.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import type { RecordedResource } from "../../engine";
import { opensslText, writePems } from "../support/pki";

const run = promisify(execFile);

/** Runs `openssl <args> -in <pem file>`; returns stdout. */
export async function opensslOn(pem: string, args: readonly string[]): Promise<string> {
  const { path } = writePems({ in: pem });
  const { stdout } = await run("openssl", [...args, "-in", path.in]);
  return stdout;
}

/** `openssl x509 -text` of a certificate PEM. */
export async function certText(pem: string): Promise<string> {
  return opensslText(writePems({ cert: pem }).path.cert);
}

/** `openssl req -text` of a CSR PEM. */
export async function csrText(pem: string): Promise<string> {
  return opensslOn(pem, ["req", "-noout", "-text"]);
}

/** True when `ssh-keygen` is on the PATH. */
export const hasSshKeygen = ((): boolean => {
  try {
    execFileSync("ssh-keygen", ["-?"], { stdio: "ignore" });
    return true;
  } catch (e) {
    // ssh-keygen -? exits non-zero but exists; ENOENT means it is missing.
    return (e as NodeJS.ErrnoException).code !== "ENOENT";
  }
})();

/** `ssh-keygen -l -E sha256 -f <file>` → "<bits> SHA256:... comment (TYPE)". */
export async function sshFingerprint(openssh: string): Promise<string> {
  const { path } = writePems({ pub: openssh });
  const { stdout } = await run("ssh-keygen", ["-l", "-E", "sha256", "-f", path.pub]);
  return stdout.trim();
}

/** A recorded output that must be a string. */
export function str(r: RecordedResource, key: string): string {
  const v = r.outputs[key];
  if (typeof v !== "string") throw new Error(`${r.name}.${key} is ${typeof v}, expected a string`);
  return v;
}

/** The lines of `text` that follow `heading` (an `openssl -text` extension block), trimmed. */
export function block(text: string, heading: string): string {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.includes(heading));
  if (i < 0) return "";
  return [lines[i]?.trim() ?? "", lines[i + 1]?.trim() ?? ""].join("\n");
}
