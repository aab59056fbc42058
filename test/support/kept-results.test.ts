/**
 * What the suite keeps between runs (test/support/kept-results.ts): a kept result is reused only
 * under the key of every input it came from, so any change to an input means a new key.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { claimFixedDir, coldRun, hashInputs, installedPackagesRecord, keyedDir } from "./kept-results";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-kept-results-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let trees = 0;
/** A fresh directory tree holding `files` (relative path → content). */
function tree(files: Record<string, string>): string {
  const dir = path.join(scratch, `tree-${trees++}`);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

const project = { "index.ts": "export const a = 1;\n", "tsconfig.json": "{}\n", "lib/util.d.ts": "export declare const b: number;\n" };

describe("hashInputs", () => {
  it("gives the same key for the same files, wherever the tree is", () => {
    expect(hashInputs(tree(project), ["."])).toBe(hashInputs(tree(project), ["."]));
  });

  it("changes the key when one byte of one file changes", () => {
    expect(hashInputs(tree({ ...project, "lib/util.d.ts": "export declare const b: string;\n" }), ["."])).not.toBe(hashInputs(tree(project), ["."]));
  });

  it("changes the key when a file is added, removed or renamed", () => {
    const base = hashInputs(tree(project), ["."]);
    expect(hashInputs(tree({ ...project, "extra.ts": "" }), ["."])).not.toBe(base);
    expect(hashInputs(tree({ "index.ts": project["index.ts"], "lib/util.d.ts": project["lib/util.d.ts"] }), ["."])).not.toBe(base);
    const { "index.ts": moved, ...rest } = project;
    expect(hashInputs(tree({ ...rest, "main.ts": moved }), ["."])).not.toBe(base);
  });

  it("does not confuse moving bytes from one file to the next with the same content", () => {
    expect(hashInputs(tree({ a: "xy", b: "z" }), ["."])).not.toBe(hashInputs(tree({ a: "x", b: "yz" }), ["."]));
  });

  it("counts a missing entry as an input: creating it changes the key", () => {
    const dir = tree(project);
    const before = hashInputs(dir, [".", "package-lock.json"]);
    fs.writeFileSync(path.join(dir, "package-lock.json"), "{}");
    expect(hashInputs(dir, [".", "package-lock.json"])).not.toBe(before);
  });

  it("ignores the files `keep` leaves out, and only those", () => {
    const keep = (rel: string): boolean => !rel.split("/").includes("node_modules");
    const dir = tree(project);
    const before = hashInputs(dir, ["."], keep);
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.writeFileSync(path.join(dir, "node_modules", "x.js"), "1");
    expect(hashInputs(dir, ["."], keep)).toBe(before);
    fs.writeFileSync(path.join(dir, "index.ts"), "export const a = 2;\n");
    expect(hashInputs(dir, ["."], keep)).not.toBe(before);
  });
});

describe("installedPackagesRecord", () => {
  it("is npm's record of node_modules when there is one, else the lockfile", () => {
    const dir = tree({ "package-lock.json": "{}" });
    expect(installedPackagesRecord(dir)).toBe("package-lock.json");
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.writeFileSync(path.join(dir, "node_modules", ".package-lock.json"), "{}");
    expect(installedPackagesRecord(dir)).toBe(path.join("node_modules", ".package-lock.json"));
  });
});

describe("keyedDir", () => {
  it("keeps what is under the current key and removes every other key's", () => {
    const parent = path.join(scratch, "keyed");
    fs.writeFileSync(path.join(keyedDir(parent, "k1"), "out.js"), "1");
    fs.writeFileSync(path.join(keyedDir(parent, "k2"), "out.js"), "2");
    expect(fs.readdirSync(parent)).toEqual(["k2"]);
    expect(fs.readFileSync(path.join(keyedDir(parent, "k2"), "out.js"), "utf8")).toBe("2");
  });
});

describe("claimFixedDir", () => {
  it("gives the fixed path, emptied, to the first claim, and a fresh directory to a claim while it is held", () => {
    const fixed = path.join(scratch, "fixed-a");
    fs.mkdirSync(fixed);
    fs.writeFileSync(path.join(fixed, "left-over"), "");
    const first = claimFixedDir(fixed, path.join(scratch, "fallback-"));
    expect(first).toMatchObject({ dir: fixed, stable: true });
    expect(fs.readdirSync(fixed)).toEqual([]);
    const second = claimFixedDir(fixed, path.join(scratch, "fallback-"));
    expect(second.stable).toBe(false);
    expect(second.dir).not.toBe(fixed);
    second.release();
    first.release();
    expect(fs.existsSync(fixed)).toBe(false);
    expect(fs.existsSync(`${fixed}.lock`)).toBe(false);
    expect(claimFixedDir(fixed, path.join(scratch, "fallback-")).stable).toBe(true);
  });

  it("takes over a lock whose process no longer runs", () => {
    const fixed = path.join(scratch, "fixed-b");
    fs.mkdirSync(`${fixed}.lock`);
    // A pid above the kernel's pid_max cannot belong to a running process.
    fs.writeFileSync(path.join(`${fixed}.lock`, "pid"), String(2 ** 22 + 1));
    const claim = claimFixedDir(fixed, path.join(scratch, "fallback-"));
    expect(claim).toMatchObject({ dir: fixed, stable: true });
    expect(fs.readFileSync(path.join(`${fixed}.lock`, "pid"), "utf8")).toBe(String(process.pid));
    claim.release();
  });
});

describe("coldRun", () => {
  it("is on with EDGE_MTLS_TEST_COLD=1 only", () => {
    expect(coldRun({ EDGE_MTLS_TEST_COLD: "1" })).toBe(true);
    expect(coldRun({ EDGE_MTLS_TEST_COLD: "0" })).toBe(false);
    expect(coldRun({})).toBe(false);
  });
});
