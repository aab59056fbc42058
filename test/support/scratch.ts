/**
 * Scratch directories for tests that write many files: the pack test's `npm install` writes
 * about 21,000 (240 MB).
 *
 * On Linux they go to `/dev/shm` when it is a tmpfs that allows executables (the installed
 * package's bin is run from it) and has room, unless TMPDIR is set (the caller's choice wins);
 * elsewhere to `os.tmpdir()`. Why: on ext4 without a journal, as on the reference machine, the
 * inode allocator skips every inode deleted in the last minute or so (`recently_deleted()` in
 * fs/ext4/ialloc.c), so creating files soon after many were removed costs kernel time per
 * file. Measured there: 20,000 empty files in 200 folders took 11.5 s of system CPU on `/tmp`
 * after a large removal, and 0.2 s on `/dev/shm`; the pack test's install took 4–9 s less CPU.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The tmpfs used when it qualifies. */
export const RAM_SCRATCH = "/dev/shm";

export interface ScratchChoice {
  /** The process environment (TMPDIR). */
  env: NodeJS.ProcessEnv;
  /** The contents of /proc/mounts, or undefined where there is none. */
  mounts: string | undefined;
  /** Bytes available to this user on RAM_SCRATCH, or undefined when it cannot be read. */
  freeBytes: number | undefined;
  /** What the caller will write, at most. */
  needBytes: number;
}

/**
 * RAM_SCRATCH when TMPDIR is unset and /proc/mounts lists it as a tmpfs mounted without
 * `noexec` with at least twice `needBytes` free; otherwise undefined (use `os.tmpdir()`).
 */
export function ramScratchRoot(choice: ScratchChoice): string | undefined {
  if (choice.env.TMPDIR !== undefined && choice.env.TMPDIR !== "") return undefined;
  const entry = (choice.mounts ?? "")
    .split("\n")
    .map((line) => line.split(" "))
    .filter((f) => f[1] === RAM_SCRATCH)
    .pop();
  if (!entry || entry[2] !== "tmpfs") return undefined;
  if ((entry[3] ?? "").split(",").includes("noexec")) return undefined;
  if (choice.freeBytes === undefined || choice.freeBytes < 2 * choice.needBytes) return undefined;
  return RAM_SCRATCH;
}

/** A new directory `<root>/<prefix>XXXXXX` for up to `needBytes` of many small files (see the module comment). */
export function manyFilesScratchDir(prefix: string, needBytes: number): string {
  let mounts: string | undefined;
  let freeBytes: number | undefined;
  try {
    mounts = fs.readFileSync("/proc/mounts", "utf8");
    const s = fs.statfsSync(RAM_SCRATCH);
    freeBytes = s.bavail * s.bsize;
  } catch {
    // Not Linux, or no /dev/shm.
  }
  const root = ramScratchRoot({ env: process.env, mounts, freeBytes, needBytes }) ?? os.tmpdir();
  return fs.mkdtempSync(path.join(root, prefix));
}
