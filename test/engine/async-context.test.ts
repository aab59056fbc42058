/**
 * When the `edge-mtls` command re-runs itself with AsyncContextFrame-backed AsyncLocalStorage
 * (engine/async-context.ts): Node 22.7 to 23 without the flag; never on Node 24 (its default),
 * before 22.7 (no such flag) or when the flag, or its negation, was given.
 */
import { describe, expect, it } from "vitest";
import { ASYNC_CONTEXT_FRAME_FLAG, wantsAsyncContextFrame } from "../../engine/async-context";

describe("wantsAsyncContextFrame", () => {
  it("wants the flag on Node 22.7 and later 22 and 23 releases started without it", () => {
    for (const v of ["v22.7.0", "v22.23.3", "v23.11.0"]) expect(wantsAsyncContextFrame(v, [], undefined)).toBe(true);
  });

  it("does not want it on Node 24 and later, where AsyncContextFrame is the default", () => {
    for (const v of ["v24.0.0", "v25.2.1"]) expect(wantsAsyncContextFrame(v, [], undefined)).toBe(false);
  });

  it("does not want it on Node releases before 22.7, which do not have the flag", () => {
    for (const v of ["v22.6.0", "v20.18.0"]) expect(wantsAsyncContextFrame(v, [], undefined)).toBe(false);
  });

  it("does not want it when the flag is on the command line or in NODE_OPTIONS, or was turned off", () => {
    expect(wantsAsyncContextFrame("v22.23.3", ["--import", "tsx", ASYNC_CONTEXT_FRAME_FLAG], undefined)).toBe(false);
    expect(wantsAsyncContextFrame("v22.23.3", [], `--max-old-space-size=4096 ${ASYNC_CONTEXT_FRAME_FLAG}`)).toBe(false);
    expect(wantsAsyncContextFrame("v22.23.3", ["--no-experimental-async-context-frame"], undefined)).toBe(false);
  });
});
