/** Summarises a V8 `.cpuprofile` (node --cpu-prof): self time per function and per area. */
import * as fs from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  readonly name: string;
  readonly where: string;
  readonly ms: number;
  readonly share: number;
}

/** Where a frame lives, shortened: `@pulumi/pulumi/runtime/rpc.js`, `engine/render.ts`, `(native)`. */
export function area(url: string): string {
  if (!url) return "(native / V8)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    const pkg = rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1] ?? ""}` : (rest[0] ?? "");
    return pkg;
  }
  if (url.startsWith("node:")) return "node: internals";
  const m = /\/(engine|components|bench|stacks)\/(.*)$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : url.replace(/^file:\/\//, "");
}

export function summarise(file: string, top = 15): { total: number; functions: ProfileRow[]; areas: ProfileRow[] } {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const ar = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const f = n.callFrame;
    const where = f.url ? `${area(f.url)}${f.url.includes("node_modules/") || f.url.startsWith("node:") ? "" : `:${f.lineNumber + 1}`}` : "";
    const fname = f.functionName || "(anonymous)";
    // A regular expression is named by its source, which can be very long.
    const name = fname.length > 80 ? `${fname.slice(0, 77)}...` : fname;
    const key = `${name}\u0000${f.url}\u0000${f.lineNumber}`;
    const row = fn.get(key) ?? { name, where: f.url ? `${f.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/(engine|components|bench)\//, "$1/")}:${f.lineNumber + 1}` : where, us: 0 };
    row.us += us;
    fn.set(key, row);
    const a = f.url ? area(f.url).replace(/^(engine|components)\/.*/, "$1/ (this library)").replace(/^bench\/.*/, "bench/") : name.startsWith("(") ? name : "(native / V8)";
    ar.set(a, (ar.get(a) ?? 0) + us);
  }
  const rows = (entries: Array<{ name: string; where: string; us: number }>): ProfileRow[] =>
    entries.sort((a, b) => b.us - a.us).slice(0, top).map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, share: e.us / total }));
  return {
    total: total / 1000,
    functions: rows([...fn.values()]),
    areas: rows([...ar.entries()].map(([name, us]) => ({ name, where: "", us }))),
  };
}
