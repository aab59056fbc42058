/**
 * Renders a PlanResult for review: `plan.md`, `kubernetes/*.yaml`, `cloudflare.json`.
 *
 * Two runs on the same inputs produce byte-identical files, although every run mints new
 * keys: PEM blocks are replaced by a stable description (subject, issuer, validity as a
 * duration), and no time, serial or fingerprint is printed. Secrets never appear: every
 * path the engine recorded as secret is redacted, and, as a second fence, any string that
 * still looks like key material is too.
 */
import { stringify } from "yaml";
import { formatHours } from "../components/common/duration";
import { x509 } from "../components/common/x509";
import { certificateDer, subjectKeyIdentifierHex } from "./der";
import type { RecordedResource } from "./monitor";
import type { PlanResult } from "./run";
import { coveredBy, isObject } from "./values";

/** What the renderer writes in place of a secret value. */
export const REDACTED = "[secret]";
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----\n?/g;
const KEY_MATERIAL = /PRIVATE KEY|OPENSSH PRIVATE/;


/**
 * Certificates parsed while rendering one plan, by PEM: a CA certificate appears in every
 * bundle, Secret and leaf row, and is parsed once. Emptied when the render ends.
 */
const parsed = new Map<string, x509.X509Certificate | Error>();

function parseCertificate(pem: string): x509.X509Certificate {
  let c = parsed.get(pem);
  if (c === undefined) {
    try {
      c = new x509.X509Certificate(pem);
    } catch (e) {
      c = e instanceof Error ? e : new Error(String(e));
    }
    parsed.set(pem, c);
  }
  if (c instanceof Error) throw c;
  return c;
}

/** A stable, human description of a PEM block. */
export function describePem(kind: string, block: string): string {
  if (kind === "CERTIFICATE") {
    try {
      const c = parseCertificate(block);
      const hours = Math.round((c.notAfter.getTime() - c.notBefore.getTime()) / 3600_000);
      const issuer = c.issuer === c.subject ? "self-signed" : `issuer="${c.issuer}"`;
      return `[certificate subject="${c.subject}" ${issuer} validity=${formatHours(hours)}]`;
    } catch {
      return "[certificate]";
    }
  }
  if (KEY_MATERIAL.test(kind)) return REDACTED;
  return `[${kind.toLowerCase()}]`;
}

/** Replaces every PEM block in a string by its description; redacts key material. */
export function normaliseString(s: string): string {
  if (!s.includes("-----BEGIN")) return s;
  return s.replace(PEM_BLOCK, (block, kind: string) => `${describePem(kind, block)}\n`).replace(/\n+$/, "");
}

/** Deep copy with secret paths redacted and PEMs normalised. */
export function redact(value: unknown, isSecret: (path: string) => boolean, path = ""): unknown {
  if (path !== "" && isSecret(path)) return REDACTED;
  if (typeof value === "string") return normaliseString(value);
  if (Array.isArray(value)) return value.map((v, i) => redact(v, isSecret, path ? `${path}.${i}` : String(i)));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      if (value[k] === undefined) continue;
      out[k] = redact(value[k], isSecret, path ? `${path}.${k}` : k);
    }
    return out;
  }
  return value;
}

/** A scalar as text; anything else as `fallback`. */
function text(v: unknown, fallback = ""): string {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : fallback;
}

const short = (type: string) => type.split(":").pop() ?? type;

/** File name of a Kubernetes object: `<kind>-<namespace>-<name>.yaml`. */
function k8sFileName(obj: Record<string, unknown>, r: RecordedResource): string {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const kind = typeof obj.kind === "string" ? obj.kind : short(r.type);
  const ns = typeof meta.namespace === "string" ? meta.namespace : typeof obj.namespace === "string" ? obj.namespace : "cluster";
  const name = typeof meta.name === "string" ? meta.name : typeof obj.name === "string" ? obj.name : r.name;
  return `${kind}-${ns}-${name}`.toLowerCase().replace(/[^a-z0-9.-]+/g, "-") + ".yaml";
}

/** A Kubernetes resource as it would be applied (Secret data redacted). */
export function kubernetesObject(r: RecordedResource): Record<string, unknown> {
  const obj = redact(r.inputs, (p) => r.isSecret(p)) as Record<string, unknown>;
  if (obj.kind === "Secret") {
    // Keep the key names (reviewers need them), never the values.
    for (const field of ["data", "stringData"]) {
      const d = r.inputs[field];
      if (isObject(d)) obj[field] = Object.fromEntries(Object.keys(d).sort().map((k) => [k, REDACTED]));
      else if (d !== undefined) obj[field] = REDACTED;
    }
  }
  return obj;
}

interface CertRow {
  resource: string;
  subject: string;
  sans: string;
  usages: string;
  issuer: string;
  validity: string;
  renewal: string;
  key: string;
}

function certRows(plan: PlanResult): CertRow[] {
  const rows: CertRow[] = [];
  const keyOf = new Map<string, string>();
  for (const r of plan.all("tls:index/privateKey:PrivateKey")) {
    const alg = text(r.inputs.algorithm);
    keyOf.set(r.name.replace(/-key$/, ""), alg === "RSA" ? `RSA ${text(r.inputs.rsaBits, "2048")}` : alg === "ECDSA" ? `ECDSA ${text(r.inputs.ecdsaCurve, "P224")}` : alg);
  }
  const requests = new Map(plan.all("tls:index/certRequest:CertRequest").map((r) => [r.name.replace(/-csr$/, ""), r]));
  for (const r of plan.resources.filter((x) => x.op !== "delete" && (x.type === "tls:index/selfSignedCert:SelfSignedCert" || x.type === "tls:index/locallySignedCert:LocallySignedCert"))) {
    const base = r.name.replace(/-cert$/, "");
    const req = requests.get(base);
    const src = r.type.endsWith("SelfSignedCert") ? r.inputs : (req?.inputs ?? {});
    const subj = isObject(src.subject) ? src.subject : {};
    const subject = [subj.commonName ? `CN=${text(subj.commonName)}` : "", subj.organization ? `O=${text(subj.organization)}` : ""].filter(Boolean).join(", ");
    const list = (k: string, prefix: string) => (Array.isArray(src[k]) ? (src[k] as unknown[]).map((v) => `${prefix}:${String(v)}`) : []);
    const sans = [...list("dnsNames", "DNS"), ...list("ipAddresses", "IP"), ...list("uris", "URI")].join(" ") || "—";
    const usages = Array.isArray(r.inputs.allowedUses) ? (r.inputs.allowedUses as unknown[]).map(String).join(", ") : "";
    let issuer = "self-signed";
    if (r.type.endsWith("LocallySignedCert")) {
      const caPem = typeof r.inputs.caCertPem === "string" ? r.inputs.caCertPem : "";
      issuer = "(unknown until apply)";
      if (caPem) {
        try {
          issuer = parseCertificate(caPem).subject;
        } catch {
          issuer = "(unparseable)";
        }
      }
    }
    const hours = Number(r.inputs.validityPeriodHours ?? 0);
    const early = Number(r.inputs.earlyRenewalHours ?? 0);
    const caRenewal = r.replacementTrigger !== undefined ? "by generation (rotating CA)" : r.protect ? "never (CA, protected)" : "never (CA)";
    const renewal = r.inputs.isCaCertificate === true ? caRenewal : early > 0 ? `rotates ${formatHours(hours - early)} after issue, ${formatHours(early)} before expiry` : "at expiry";
    rows.push({ resource: r.name, subject: subject || "—", sans, usages: r.inputs.isCaCertificate === true ? `CA: ${usages}` : usages, issuer, validity: formatHours(hours), renewal, key: keyOf.get(base) ?? "" });
  }
  return rows.sort((a, b) => a.resource.localeCompare(b.resource));
}

function tree(plan: PlanResult): string[] {
  const lines: string[] = [];
  const live = plan.resources.filter((r) => r.op !== "delete");
  const children = new Map<string, RecordedResource[]>();
  for (const r of live) {
    const key = r.parent ?? "";
    const siblings = children.get(key);
    if (siblings) siblings.push(r);
    else children.set(key, [r]);
  }
  const showOp = plan.resources.some((r) => r.op !== "create");
  const walk = (urn: string, depth: number) => {
    const kids = [...(children.get(urn) ?? [])].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    for (const k of kids) {
      const tag = k.custom ? "" : " (component)";
      const op = showOp ? ` — **${k.op}**` : "";
      lines.push(`${"  ".repeat(depth)}- \`${k.type}\` **${k.name}**${tag}${op}${k.protect ? " 🔒 protected" : ""}`);
      walk(k.urn, depth + 1);
    }
  };
  walk("", 0);
  for (const d of plan.resources.filter((r) => r.op === "delete").sort((a, b) => a.urn.localeCompare(b.urn))) lines.push(`- \`${d.type}\` **${d.name}** — **delete**`);
  return lines;
}

function mermaidId(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, "_");
}

/** Trust edges from the tls resources, traffic edges from components' `topology` outputs. */
function diagram(plan: PlanResult): string[] {
  const lines = ["```mermaid", "flowchart LR"];
  const edges = new Set<string>();
  const certs = plan.resources.filter((r) => r.op !== "delete" && (r.type.endsWith("SelfSignedCert") || r.type.endsWith("LocallySignedCert")));
  const byPem = new Map<string, string>();
  for (const c of certs) if (typeof c.outputs.certPem === "string") byPem.set(c.outputs.certPem.replace(/\s+/g, ""), c.name);
  for (const c of certs) {
    const id = mermaidId(c.name);
    const label = c.inputs.isCaCertificate === true ? `${c.name} (CA)` : c.name;
    edges.add(`  ${id}["${label}"]`);
    if (c.type.endsWith("LocallySignedCert") && typeof c.inputs.caCertPem === "string") {
      const issuer = byPem.get(c.inputs.caCertPem.replace(/\s+/g, ""));
      if (issuer) edges.add(`  ${mermaidId(issuer)} -. signs .-> ${id}`);
    }
  }
  for (const r of plan.resources) {
    const topo = r.custom ? undefined : r.outputs.topology;
    if (!isObject(topo)) continue;
    for (const kind of ["trusts", "talksTo"] as const) {
      const list = topo[kind];
      if (!Array.isArray(list)) continue;
      for (const e of list) {
        if (!isObject(e) || typeof e.from !== "string" || typeof e.to !== "string") continue;
        const label = typeof e.label === "string" ? e.label.replace(/"/g, "'") : kind === "trusts" ? "trusts" : "";
        const arrow = kind === "trusts" ? `-. "${label}" .->` : label ? `-- "${label}" -->` : "-->";
        edges.add(`  ${mermaidId(e.from)}["${e.from}"] ${arrow} ${mermaidId(e.to)}["${e.to}"]`);
      }
    }
  }
  lines.push(...[...edges].sort(), "```");
  return lines;
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** plan.md */
export function renderPlanMarkdown(plan: PlanResult): string {
  const live = plan.resources.filter((r) => r.op !== "delete");
  const counts = new Map<string, number>();
  for (const r of live) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const opsCount = new Map<string, number>();
  for (const r of plan.resources) if (r.type !== "pulumi:pulumi:Stack") opsCount.set(r.op, (opsCount.get(r.op) ?? 0) + 1);
  const out: string[] = [
    `# Plan: ${plan.project} / ${plan.stack}`,
    "",
    `Mode: ${plan.preview ? "preview (provider-computed values unknown)" : "plan (offline engine; tls computed for real, cloud ids are placeholders)"}. ` +
      "Secrets are redacted; certificates are shown by subject and validity, so two plans of the same program are identical.",
    "",
    "## Summary",
    "",
    `${live.length} resources (including the stack). Operations: ${[...opsCount.entries()].sort().map(([op, n]) => `${op} ${n}`).join(", ")}.`,
    "",
    "| type | count |",
    "|---|---:|",
    ...[...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `| \`${t}\` | ${n} |`),
    "",
  ];
  if (plan.errors.length) out.push("## Errors", "", ...plan.errors.map((e) => `- ${cell(e)}`), "");
  if (plan.resources.some((r) => r.op !== "create")) {
    const changes = plan.changes().sort((a, b) => a.op.localeCompare(b.op) || a.name.localeCompare(b.name));
    out.push("## Changes against the prior state", "");
    out.push(...(changes.length ? changes.map((r) => `- **${r.op}** \`${r.type}\` ${r.name}${r.changed.length ? ` (changed: ${r.changed.join(", ")})` : ""}`) : ["None: every resource is unchanged."]), "");
  }
  if (plan.warnings.length) out.push("## Warnings", "", ...[...plan.warnings].sort().map((w) => `- ${cell(w)}`), "");
  out.push("## Resources", "", ...tree(plan), "");
  const rows = certRows(plan);
  out.push("## Certificates", "");
  if (rows.length) {
    out.push("| certificate | subject | SANs | usages | issuer | key | validity | renewal |", "|---|---|---|---|---|---|---|---|");
    for (const r of rows) out.push(`| ${cell(r.resource)} | ${cell(r.subject)} | ${cell(r.sans)} | ${cell(r.usages)} | ${cell(r.issuer)} | ${cell(r.key)} | ${r.validity} | ${cell(r.renewal)} |`);
  } else out.push("None.");
  const cm = plan.all("kubernetes:cert-manager.io/v1:Certificate");
  if (cm.length) {
    out.push("", "cert-manager Certificates:", "", "| name | namespace | DNS names | issuer | duration | renewBefore |", "|---|---|---|---|---|---|");
    for (const r of [...cm].sort((a, b) => a.name.localeCompare(b.name))) {
      const spec = isObject(r.inputs.spec) ? r.inputs.spec : {};
      const meta = isObject(r.inputs.metadata) ? r.inputs.metadata : {};
      const ref = isObject(spec.issuerRef) ? `${text(spec.issuerRef.kind, "Issuer")}/${text(spec.issuerRef.name)}` : "";
      out.push(`| ${text(meta.name, r.name)} | ${text(meta.namespace)} | ${cell(Array.isArray(spec.dnsNames) ? spec.dnsNames.join(" ") : "")} | ${ref} | ${text(spec.duration, "default (90d)")} | ${text(spec.renewBefore, "default (⅓ of duration)")} |`);
    }
  }
  out.push("", "## Trust and traffic", "", "Dotted arrows: who signs or trusts whom. Solid arrows: who talks to whom.", "", ...diagram(plan), "");
  const outputs = redact(plan.outputs, (p) => coveredBy(p, plan.secretOutputs));
  out.push("## Stack outputs", "", "```yaml", stringify(outputs, { sortMapEntries: true, lineWidth: 0 }).trimEnd(), "```", "");
  return out.join("\n");
}

/**
 * Key-derived identifiers (subject key identifiers) differ on every run because every run
 * mints new keys. Each one found in a certificate of the plan is shown as the name of the
 * certificate it identifies, e.g. a WAF rule's pinned issuer SKI reads
 * `{SKI of prod-mesh-intermediate-cert}` — stable, and more telling than hex.
 */
export function keyIdentifierAliases(plan: PlanResult): Array<[RegExp, string]> {
  const out: Array<[RegExp, string]> = [];
  for (const r of plan.resources) {
    const pem = r.outputs.certPem;
    if (!r.type.startsWith("tls:") || typeof pem !== "string" || !pem.includes("BEGIN CERTIFICATE")) continue;
    try {
      const der = certificateDer(pem);
      // The DER walk reads the identifier without a full parse; anything unusual goes to the full parser.
      const fast = der ? subjectKeyIdentifierHex(der) : undefined;
      const hex = fast !== undefined ? fast : (parseCertificate(pem).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId.toLowerCase() ?? null);
      if (hex === null || hex === "") continue;
      const colons = hex.replace(/(..)(?!$)/g, "$1:");
      out.push([new RegExp(`${hex}|${colons}`, "gi"), `{SKI of ${r.name}}`]);
    } catch {
      continue;
    }
  }
  return out;
}

/**
 * A function that replaces every key identifier of `aliases` by its label in one pass, in time
 * linear in the text: identifiers are hex digits and colons, so every occurrence lies inside a
 * run of those characters; only such runs (as long as the shortest identifier at least) are
 * looked at, and inside a run, from left to right, the longest identifier starting at a
 * position wins and the scan resumes after it — what one alternation of all identifiers,
 * longest first, matches. (A pass per identifier over every file made rendering quadratic in
 * the fleet size, and so did one regular expression alternating over all of them.)
 */
export function keyIdentifierReplacer(aliases: ReadonlyArray<[RegExp, string]>): (content: string) => string {
  const labels = new Map<string, string>();
  for (const [re, label] of aliases) {
    for (const alt of re.source.split("|")) if (alt !== "" && !labels.has(alt.toLowerCase())) labels.set(alt.toLowerCase(), label);
  }
  if (labels.size === 0) return (content) => content;
  const lengths = [...new Set([...labels.keys()].map((k) => k.length))].sort((x, y) => y - x);
  const shortest = lengths.at(-1) ?? 1;
  const candidates = new RegExp(`[0-9a-f:]{${shortest},}`, "gi");
  const within = (run: string): string => {
    const lower = run.toLowerCase();
    let out = "";
    let i = 0;
    let copied = 0;
    while (i <= lower.length - shortest) {
      let hit: string | undefined;
      let len = 0;
      for (const l of lengths) {
        if (i + l > lower.length) continue;
        hit = labels.get(lower.slice(i, i + l));
        if (hit !== undefined) {
          len = l;
          break;
        }
      }
      if (hit === undefined) {
        i++;
        continue;
      }
      out += run.slice(copied, i) + hit;
      i += len;
      copied = i;
    }
    return copied === 0 ? run : out + run.slice(copied);
  };
  return (content) => content.replace(candidates, within);
}

/** All plan files: relative path → content. */
export function renderPlan(plan: PlanResult): Map<string, string> {
  try {
    const stable = keyIdentifierReplacer(keyIdentifierAliases(plan));
    return new Map([...renderFiles(plan)].map(([name, content]) => [name, stable(content)]));
  } finally {
    parsed.clear();
  }
}

function renderFiles(plan: PlanResult): Map<string, string> {
  const files = new Map<string, string>();
  files.set("plan.md", renderPlanMarkdown(plan));
  const k8s = plan.resources.filter((r) => r.op !== "delete" && r.custom && r.type.startsWith("kubernetes:"));
  const used = new Set<string>();
  for (const r of k8s) {
    const applied = kubernetesObject(r);
    const obj = r.type === "kubernetes:helm.sh/v3:Release" ? { kind: "HelmRelease", ...applied } : applied;
    let file = `kubernetes/${k8sFileName(obj, r)}`;
    for (let i = 2; used.has(file); i++) file = `kubernetes/${k8sFileName(obj, r).replace(/\.yaml$/, `-${i}.yaml`)}`;
    used.add(file);
    const header = r.type === "kubernetes:helm.sh/v3:Release" ? "# Pulumi kubernetes:helm.sh/v3:Release (Helm renders the chart at deploy time)\n" : "";
    files.set(file, header + stringify(applied, { sortMapEntries: true, lineWidth: 0 }));
  }
  const cf = plan.resources
    .filter((r) => r.op !== "delete" && r.custom && r.type.startsWith("cloudflare:"))
    .sort((a, b) => a.urn.localeCompare(b.urn))
    .map((r) => ({ type: r.type, name: r.name, id: r.id ?? "(unknown until apply)", inputs: redact(r.inputs, (p) => r.isSecret(p)) }));
  files.set("cloudflare.json", `${JSON.stringify(cf, null, 2)}\n`);
  // Second fence: nothing that looks like key material may leave.
  for (const [name, content] of files) {
    if (KEY_MATERIAL.test(content)) throw new Error(`plan renderer: ${name} would contain key material; refusing to write it`);
  }
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
