/**
 * A run's stack-trace settings (RunOptions.stackTraceLimit, RunOptions.sourceMappedStackTraces):
 * while the program runs, stacks are formatted as V8 formats them by default (no source-map
 * lookups per frame — the SDK reads a stack for every resource and output); what was there
 * before is back after every run, including a failing one, and the error a caller gets keeps
 * its message and is formatted by the caller's own formatting.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runProgram } from "../../engine";
import { applyRunStackTraceSettings, plainStackTrace } from "../../engine/run";

const NOW = new Date("2026-12-01T00:00:00Z");

type Prepare = ErrorConstructor["prepareStackTrace"];
const original = { own: Object.prototype.hasOwnProperty.call(Error, "prepareStackTrace"), prepare: Error.prepareStackTrace };
afterEach(() => {
  if (original.own) Error.prepareStackTrace = original.prepare;
  else delete (Error as { prepareStackTrace?: Prepare }).prepareStackTrace;
});

const marker: NonNullable<Prepare> = (error) => `formatted by the caller: ${String((error as Error).message)}`;

describe("stack traces during a run", () => {
  it("formats stacks with V8's default layout while the program runs", async () => {
    let stack = "";
    let prepare: Prepare;
    await runProgram(() => {
      prepare = Error.prepareStackTrace;
      stack = new Error("inside").stack ?? "";
      return {};
    }, { now: NOW });
    expect(prepare).toBe(plainStackTrace);
    expect(stack).toMatch(/^Error: inside\n {4}at .+:\d+:\d+\)?$/m);
  });

  it("restores the caller's stack formatting after a run", async () => {
    Error.prepareStackTrace = marker;
    await runProgram(() => ({}), { now: NOW });
    expect(Error.prepareStackTrace).toBe(marker);
  });

  it("restores the caller's stack formatting and frame limit after a run whose program throws", async () => {
    Error.prepareStackTrace = marker;
    const limit = Error.stackTraceLimit;
    await expect(runProgram(() => {
      throw new Error("the program's own message");
    }, { now: NOW })).rejects.toThrow("the program's own message");
    expect(Error.prepareStackTrace).toBe(marker);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("leaves no formatter installed after a run when there was none before", async () => {
    delete (Error as { prepareStackTrace?: Prepare }).prepareStackTrace;
    await runProgram(() => ({}), { now: NOW });
    expect(Object.prototype.hasOwnProperty.call(Error, "prepareStackTrace")).toBe(false);
  });

  it("hands the caller an error whose stack its own formatting produces, when first read after the run", async () => {
    Error.prepareStackTrace = marker;
    const err = await runProgram(() => {
      throw new Error("bad argument");
    }, { now: NOW }).catch((e: unknown) => e as Error);
    expect(err.message).toBe("bad argument");
    expect(err.stack).toBe("formatted by the caller: bad argument");
  });

  it("keeps the caller's formatting during the run with sourceMappedStackTraces: true", async () => {
    Error.prepareStackTrace = marker;
    let prepare: Prepare;
    await runProgram(() => {
      prepare = Error.prepareStackTrace;
      return {};
    }, { now: NOW, sourceMappedStackTraces: true });
    expect(prepare).toBe(marker);
  });
});

describe("applyRunStackTraceSettings", () => {
  it("returns a restore function that puts back the frame limit and the formatter", () => {
    Error.prepareStackTrace = marker;
    const limit = Error.stackTraceLimit;
    const restore = applyRunStackTraceSettings({ stackTraceLimit: 1 });
    expect([Error.stackTraceLimit, Error.prepareStackTrace]).toEqual([1, plainStackTrace]);
    restore();
    expect([Error.stackTraceLimit, Error.prepareStackTrace]).toEqual([limit, marker]);
  });
});

describe("plainStackTrace", () => {
  it("writes the error's toString and one indented `at` line per frame, as V8's default does", () => {
    Error.prepareStackTrace = (e, frames) => plainStackTrace(e, frames.slice(0, 2));
    const stack = new TypeError("boom").stack ?? "";
    const lines = stack.split("\n");
    expect(lines[0]).toBe("TypeError: boom");
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((l) => /^ {4}at \S/.test(l))).toBe(true);
  });
});
