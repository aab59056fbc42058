/**
 * CPU time of a process as Linux accounts it (`/proc/<pid>/stat`, proc(5)): the process's own
 * user and system time, and that of its children it has waited for. One reader for the suite's
 * per-file CPU (test/support/per-file.ts) and the benchmarks (bench/run.ts, bench/handshake.ts).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

/** CPU seconds of one process. */
export interface ProcessCpu {
  /** utime + stime: the process itself (all its threads). */
  readonly self: number;
  /** cutime + cstime: its children (and their descendants) that it has waited for. */
  readonly children: number;
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`; 100 where getconf cannot say). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    let ticks = Number.NaN;
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    } catch {
      // no getconf: Linux's USER_HZ is 100 on every architecture Node runs on
    }
    ticksPerSecond = Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  }
  return ticksPerSecond;
}

/** CPU seconds of `pid` (default: this process) so far. Throws where /proc is not there (not Linux). */
export function processCpu(pid: number | "self" = "self"): ProcessCpu {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // After "(comm) " — comm may itself hold spaces and parentheses — field 3 (state) comes first,
  // so utime, stime, cutime and cstime (fields 14–17) are at 11–14.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  const at = (i: number): number => fields[i] ?? 0;
  return { self: (at(11) + at(12)) / clockTicks(), children: (at(13) + at(14)) / clockTicks() };
}
