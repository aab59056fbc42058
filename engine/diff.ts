/**
 * `plan --base <git ref>`: plans the project as it is at a git revision and as it is in the
 * working tree, and writes what a pull request changes as `diff.md` — resources added,
 * removed, replaced and updated with the properties that changed (secrets redacted),
 * certificates re-issued and why, and a one-line summary fit for a PR title.
 *
 * The base revision is extracted with `git archive` into a temporary directory (the
 * repository's working tree, index and worktree list are not touched) and runs with the
 * project's own `node_modules`, linked in. The working tree is then planned in update mode
 * against the base plan (`prior`), so the operations are the ones `pulumi preview` would
 * show after the base revision was deployed: unchanged `tls` resources keep their keys and
 * certificates, and only what the change touches is created, updated or replaced.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RecordedResource } from "./monitor";
import { keyIdentifierAliases, normaliseString, REDACTED } from "./render";
import { runStack, type PlanResult } from "./run";
import { coveredBy, deepEqual, isObject } from "./values";

/** A git revision extracted into a temporary directory. */
export interface RevisionCheckout {
  /** The commit the ref resolved to. */
  readonly sha: string;
  /** The project directory inside the extracted revision. */
  readonly projectDir: string;
  /** Removes the temporary directory. */
  cleanup(): void;
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync("git", ["-C", cwd, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/**
 * Extracts revision `ref` of the git repository that holds `projectDir` into a temporary
 * directory and links the project's `node_modules` folders (the project's and every
 * enclosing one up to the repository root) into it, so the base revision runs with the
 * dependencies installed now. Throws with the fix when `ref` is not a commit.
 */
export function checkoutRevision(projectDir: string, ref: string): RevisionCheckout {
  const dir = path.resolve(projectDir);
  let top: string;
  try {
    top = fs.realpathSync(git(dir, ["rev-parse", "--show-toplevel"]));
  } catch {
    throw new Error(`--base ${ref}: ${dir} is not inside a git repository; --base needs one`);
  }
  let sha: string;
  try {
    sha = git(top, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new Error(`--base ${ref}: not a commit in ${top}; fetch it first (e.g. git fetch origin main) or give a branch, tag or SHA`);
  }
  const rel = path.relative(top, fs.realpathSync(dir));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-base-"));
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const tar = path.join(tmp, "base.tar");
    const root = path.join(tmp, "src");
    fs.mkdirSync(root);
    git(top, ["archive", "--format=tar", "-o", tar, sha]);
    execFileSync("tar", ["-xf", tar, "-C", root], { stdio: ["ignore", "ignore", "pipe"] });
    fs.rmSync(tar);
    // node_modules from the project directory up to the repository root, as Node resolves them.
    for (let d = rel; ; d = path.dirname(d)) {
      const installed = path.join(top, d, "node_modules");
      const target = path.join(root, d, "node_modules");
      if (fs.existsSync(installed) && !fs.existsSync(target)) {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.symlinkSync(installed, target, "dir");
      }
      if (d === "." || d === "") break;
    }
    return { sha, projectDir: path.join(root, rel), cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** The base plan and the working tree's plan against it. */
export interface BaseComparison {
  readonly ref: string;
  readonly sha: string;
  /** The base revision's plan; undefined when the project or stack did not exist there. */
  readonly base?: PlanResult;
  /** The working tree planned in update mode against `base`. */
  readonly head: PlanResult;
}

/**
 * Plans stack `stack` of `projectDir` at git revision `ref`, then the working tree against
 * it. Both runs happen at the same moment (`now`), so nothing rotates between them: the
 * difference is the change alone.
 */
export async function planAgainstBase(projectDir: string, stack: string, ref: string, options: { now?: Date; preview?: boolean } = {}): Promise<BaseComparison> {
  const now = options.now ?? new Date();
  const checkout = checkoutRevision(projectDir, ref);
  let base: PlanResult | undefined;
  try {
    const exists = fs.existsSync(path.join(checkout.projectDir, "Pulumi.yaml")) && fs.existsSync(path.join(checkout.projectDir, `Pulumi.${stack}.yaml`));
    if (exists) base = await runStack(checkout.projectDir, stack, { now });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`--base ${ref} (${checkout.sha.slice(0, 12)}): the base revision does not plan: ${msg.split("\n")[0] ?? msg}`);
  } finally {
    checkout.cleanup();
  }
  const head = await runStack(projectDir, stack, { now, prior: base, preview: options.preview ?? false });
  return { ref, sha: checkout.sha, base, head };
}

/** One changed property of an updated or replaced resource. */
export interface PropertyChange {
  /** Dotted path into the resource's inputs. */
  readonly path: string;
  /** Shown value before (redacted, PEM described); undefined when the property was added. */
  readonly before?: string;
  /** Shown value after; undefined when the property was removed. */
  readonly after?: string;
}

const MAX_VALUE = 160;

/** A value as shown in the diff: secrets redacted, PEM blocks described, long values cut. */
function show(value: unknown, secret: boolean): string {
  if (secret) return REDACTED;
  const s = typeof value === "string" ? normaliseString(value) : JSON.stringify(value, (_k, v: unknown) => (typeof v === "string" ? normaliseString(v) : v));
  const one = (typeof value === "string" ? JSON.stringify(s) : s).replace(/\\n/g, "⏎");
  return one.length > MAX_VALUE ? `${one.slice(0, MAX_VALUE - 1)}…` : one;
}

/**
 * The leaf properties that differ between two resources' inputs, below the top-level keys
 * the engine reported as changed (so `ignoreChanges` is honoured). Objects are compared key
 * by key and arrays of equal length element by element; anything else is shown whole. A
 * value at or below a path that is secret on either side shows as `[secret]` on both.
 */
export function propertyChanges(before: RecordedResource, after: RecordedResource): PropertyChange[] {
  const out: PropertyChange[] = [];
  const secret = (p: string) => before.isSecret(p) || after.isSecret(p) || coveredBy(p, before.secretPaths) || coveredBy(p, after.secretPaths);
  const walk = (a: unknown, b: unknown, p: string, underSecret: boolean): void => {
    if (deepEqual(a, b)) return;
    const hidden = underSecret || secret(p);
    if (isObject(a) && isObject(b)) {
      // Key names stay visible below a secret (as in the rendered plan); values never do.
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[k], b[k], `${p}.${k}`, hidden);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((v, i) => walk(v, b[i], `${p}.${i}`, hidden));
      return;
    }
    const before = a === undefined ? undefined : show(a, hidden);
    let after = b === undefined ? undefined : show(b, hidden);
    // Two different PEMs can read the same (e.g. a CSR regenerated for a new key).
    if (!hidden && after !== undefined && after === before) after = `${after} (new content)`;
    out.push({ path: p, before, after });
  };
  const keys = after.changed.filter((k) => k !== "replacementTrigger");
  for (const k of keys) walk(before.inputs[k], after.inputs[k], k, false);
  return out;
}

const CERT_TYPES = new Set(["tls:index/selfSignedCert:SelfSignedCert", "tls:index/locallySignedCert:LocallySignedCert"]);
const CERT_MANAGER_CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";

/** Why a replaced certificate (or its key or CSR) is re-issued, from the inputs that changed. */
function reissueReason(r: RecordedResource, replaced: ReadonlyMap<string, RecordedResource>): string {
  const reasons: string[] = [];
  for (const k of r.changed) {
    if (k === "replacementTrigger") reasons.push("its renewal window opened (scheduled rotation)");
    else if (k === "caCertPem" || k === "caPrivateKeyPem") reasons.push("its issuing CA is re-issued");
    else if (k === "privateKeyPem") reasons.push("its private key is replaced");
    else if (k === "certRequestPem") {
      const csr = replaced.get(r.name.replace(/-cert$/, "-csr"));
      const why = csr ? csr.changed.filter((c) => c !== "privateKeyPem") : [];
      const keyToo = csr?.changed.includes("privateKeyPem") ?? false;
      reasons.push(why.length ? `its request changed (${why.join(", ")})` : keyToo ? "its private key is replaced" : "its certificate request changed");
    } else reasons.push(`${k} changed`);
  }
  return [...new Set(reasons)].join("; ") || "replaced";
}

function label(r: RecordedResource): string {
  return `\`${r.type}\` **${r.name}**`;
}

/** The counts behind the summary line. */
export interface DiffCounts {
  readonly add: number;
  readonly update: number;
  readonly replace: number;
  readonly remove: number;
  readonly certificates: number;
}

/** The one-line summary, fit for a PR title: `plan dev: 9 to add, 2 to update`. */
export function summaryLine(stack: string, c: DiffCounts): string {
  const parts = [
    c.add ? `${c.add} to add` : "",
    c.update ? `${c.update} to update` : "",
    c.replace ? `${c.replace} to replace` : "",
    c.remove ? `${c.remove} to remove` : "",
    c.certificates ? `${c.certificates} certificate${c.certificates === 1 ? "" : "s"} re-issued` : "",
  ].filter(Boolean);
  return `plan ${stack}: ${parts.length ? parts.join(", ") : "no changes"}`;
}

/** What `diff.md` reports, before rendering. */
export interface PlanDiff {
  readonly added: RecordedResource[];
  readonly removed: RecordedResource[];
  readonly replaced: RecordedResource[];
  readonly updated: RecordedResource[];
  /** Replaced tls certificates and cert-manager Certificates whose spec changes, with the reason. */
  readonly certificates: { resource: RecordedResource; reason: string }[];
  readonly counts: DiffCounts;
}

/** Sorts the working tree's ops into the diff's sections. */
export function planDiff(cmp: BaseComparison): PlanDiff {
  const rs = cmp.head.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  const byName = (a: RecordedResource, b: RecordedResource) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type);
  const added = rs.filter((r) => r.op === "create").sort(byName);
  const removed = rs.filter((r) => r.op === "delete").sort(byName);
  const replaced = rs.filter((r) => r.op === "replace").sort(byName);
  const updated = rs.filter((r) => r.op === "update").sort(byName);
  const replacedByName = new Map(replaced.map((r) => [r.name, r]));
  const certificates = [
    ...replaced.filter((r) => CERT_TYPES.has(r.type)).map((r) => ({ resource: r, reason: reissueReason(r, replacedByName) })),
    ...[...replaced, ...updated]
      .filter((r) => r.type === CERT_MANAGER_CERTIFICATE && r.changed.includes("spec"))
      .map((r) => ({ resource: r, reason: "cert-manager re-issues it: its spec changed" })),
  ].sort((a, b) => byName(a.resource, b.resource));
  return {
    added,
    removed,
    replaced,
    updated,
    certificates,
    counts: { add: added.length, update: updated.length, replace: replaced.length, remove: removed.length, certificates: certificates.length },
  };
}

function changeLines(before: RecordedResource | undefined, r: RecordedResource): string[] {
  if (!before) return [];
  const lines = propertyChanges(before, r).map((c) =>
    c.before === undefined
      ? `  - \`${c.path}\`: added ${c.after ?? ""}`
      : c.after === undefined
        ? `  - \`${c.path}\`: removed (was ${c.before})`
        : c.before === REDACTED && c.after === REDACTED
          ? `  - \`${c.path}\`: changed (${REDACTED})`
          : `  - \`${c.path}\`: ${c.before} → ${c.after}`,
  );
  if (r.changed.includes("replacementTrigger")) lines.unshift("  - `replacementTrigger` changed");
  return lines;
}

const KEY_MATERIAL = /PRIVATE KEY|OPENSSH PRIVATE/;

/**
 * `diff.md`: the summary line as the title, then added, removed, replaced and updated
 * resources (with their changed properties) and the certificates re-issued. Stable:
 * certificates are described, key identifiers named, secrets redacted. Refuses to render
 * anything that looks like key material.
 */
export function renderDiff(cmp: BaseComparison): string {
  const d = planDiff(cmp);
  const prior = cmp.base?.byUrn ?? new Map<string, RecordedResource>();
  const title = summaryLine(cmp.head.stack, d.counts);
  const out: string[] = [
    `# ${title}`,
    "",
    `Stack \`${cmp.head.stack}\` of \`${cmp.head.project}\`: the working tree planned against \`${cmp.ref}\` (${cmp.sha.slice(0, 12)})${cmp.base ? "" : ", where the stack did not exist"} ` +
      "with the offline engine, as `pulumi preview` would show it once the base is deployed. Secrets are redacted; certificates are shown by subject and validity.",
    "",
  ];
  const section = (heading: string, rs: RecordedResource[], detail: (r: RecordedResource) => string[], none: string) => {
    out.push(`## ${heading} (${rs.length})`, "");
    if (!rs.length) out.push(none);
    for (const r of rs) out.push(`- ${label(r)}`, ...detail(r));
    out.push("");
  };
  section("Added", d.added, () => [], "None.");
  section("Removed", d.removed, () => [], "None.");
  section("Replaced", d.replaced, (r) => changeLines(prior.get(r.urn), r), "None.");
  section("Updated", d.updated, (r) => changeLines(prior.get(r.urn), r), "None.");
  out.push(`## Certificates re-issued (${d.certificates.length})`, "");
  if (!d.certificates.length) out.push("None: no certificate is re-issued.");
  for (const c of d.certificates) out.push(`- ${label(c.resource)}: ${c.reason}`);
  out.push("");
  if (cmp.head.errors.length) out.push("## Errors", "", ...cmp.head.errors.map((e) => `- ${e}`), "");
  let md = out.join("\n");
  // Key identifiers as the name of the certificate they identify, from both plans.
  for (const [re, name] of [...keyIdentifierAliases(cmp.head), ...(cmp.base ? keyIdentifierAliases(cmp.base) : [])]) md = md.replace(re, name);
  if (KEY_MATERIAL.test(md)) throw new Error("plan --base: diff.md would contain key material; refusing to write it");
  return md;
}
