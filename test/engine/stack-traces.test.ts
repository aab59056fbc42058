/**
 * A run's stack-trace settings (RunOptions.stackTraceLimit, RunOptions.sourceMappedStackTraces):
 * while the program runs, stacks are formatted as V8 formats them by default (no source-map
 * lookups per frame — the SDK reads a stack for every resource and output); what was there
 * before is back after every run, including a failing one, and the error a caller gets keeps
 * its message and is formatted by the caller's own formatting; and a run leaves no timer behind.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runProgram } from "../../engine";
import { applyRunStackTraceSettings, plainStackTrace } from "../../engine/run";

const NOW = new Date("2026-12-01T00:00:00Z");

type Prepare = NonNullable<ErrorConstructor["prepareStackTrace"]>;
/** The installed `Error.prepareStackTrace`, if any (read without detaching a method). */
const installed = (): unknown => Object.getOwnPropertyDescriptor(Error, "prepareStackTrace")?.value;
const install = (f: Prepare): void => {
  Object.defineProperty(Error, "prepareStackTrace", { value: f, writable: true, configurable: true, enumerable: false });
};
const original = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
afterEach(() => {
  if (original) Object.defineProperty(Error, "prepareStackTrace", original);
  else delete (Error as { prepareStackTrace?: Prepare }).prepareStackTrace;
});

const marker: Prepare = (error) => `formatted by the caller: ${error instanceof Error ? error.message : "?"}`;

describe("stack traces during a run", () => {
  it("formats stacks with V8's default layout while the program runs", async () => {
    let stack = "";
    let during: unknown;
    await runProgram(() => {
      during = installed();
      stack = new Error("inside").stack ?? "";
      return {};
    }, { now: NOW });
    expect(during).toBe(plainStackTrace);
    expect(stack).toMatch(/^Error: inside\n {4}at .+:\d+:\d+\)?$/m);
  });

  it("restores the caller's stack formatting after a run", async () => {
    install(marker);
    await runProgram(() => ({}), { now: NOW });
    expect(installed()).toBe(marker);
  });

  it("restores the caller's stack formatting and frame limit after a run whose program throws", async () => {
    install(marker);
    const limit = Error.stackTraceLimit;
    await expect(runProgram(() => {
      throw new Error("the program's own message");
    }, { now: NOW })).rejects.toThrow("the program's own message");
    expect(installed()).toBe(marker);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("leaves no formatter installed after a run when there was none before", async () => {
    delete (Error as { prepareStackTrace?: Prepare }).prepareStackTrace;
    await runProgram(() => ({}), { now: NOW });
    expect(Object.getOwnPropertyDescriptor(Error, "prepareStackTrace")).toBeUndefined();
  });

  it("hands the caller an error whose stack its own formatting produces, when first read after the run", async () => {
    install(marker);
    let thrown: Error | undefined;
    try {
      await runProgram(() => {
        throw new Error("bad argument");
      }, { now: NOW });
    } catch (e) {
      thrown = e as Error;
    }
    expect(thrown?.message).toBe("bad argument");
    expect(thrown?.stack).toBe("formatted by the caller: bad argument");
  });

  it("keeps the caller's formatting during the run with sourceMappedStackTraces: true", async () => {
    install(marker);
    let during: unknown;
    await runProgram(() => {
      during = installed();
      return {};
    }, { now: NOW, sourceMappedStackTraces: true });
    expect(during).toBe(marker);
  });
});

describe("applyRunStackTraceSettings", () => {
  it("returns a restore function that puts back the frame limit and the formatter", () => {
    install(marker);
    const limit = Error.stackTraceLimit;
    const restore = applyRunStackTraceSettings({ stackTraceLimit: 1 });
    expect([Error.stackTraceLimit, installed()]).toEqual([1, plainStackTrace]);
    restore();
    expect([Error.stackTraceLimit, installed()]).toEqual([limit, marker]);
  });
});

describe("plainStackTrace", () => {
  it("writes the error's toString and one indented `at` line per frame, as V8's default does", () => {
    install((e, frames) => plainStackTrace(e, frames.slice(0, 2)));
    const stack = new TypeError("boom").stack ?? "";
    const lines = stack.split("\n");
    expect(lines[0]).toBe("TypeError: boom");
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((l) => /^ {4}at \S/.test(l))).toBe(true);
  });
});

describe("what a run leaves behind", () => {
  it("leaves no timer pending after it ends, so a script that ran a plan exits at once", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    await runProgram(() => ({}), { now: NOW });
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
