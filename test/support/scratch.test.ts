/**
 * Where tests that write many files put them (test/support/scratch.ts): RAM when the machine
 * offers a tmpfs that can hold them and run their executables, and the caller did not choose.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { manyFilesScratchDir, RAM_SCRATCH, ramScratchRoot, type ScratchChoice } from "./scratch";

const GiB = 1024 ** 3;
const mounts = (options: string, type = "tmpfs"): string => ["/dev/vda / ext4 rw,relatime 0 0", `tmpfs ${RAM_SCRATCH} ${type} ${options} 0 0`, ""].join("\n");
const choice = (over: Partial<ScratchChoice>): ScratchChoice => ({ env: {}, mounts: mounts("rw,nosuid,nodev"), freeBytes: 8 * GiB, needBytes: GiB, ...over });

describe("ramScratchRoot", () => {
  it("chooses the tmpfs when it allows executables and has twice the room needed", () => {
    expect(ramScratchRoot(choice({}))).toBe(RAM_SCRATCH);
  });

  it("leaves the choice to TMPDIR when the caller set it", () => {
    expect(ramScratchRoot(choice({ env: { TMPDIR: "/var/tmp" } }))).toBeUndefined();
  });

  it("refuses a tmpfs mounted noexec: the installed package's bin runs from it", () => {
    expect(ramScratchRoot(choice({ mounts: mounts("rw,nosuid,nodev,noexec") }))).toBeUndefined();
  });

  it("refuses a tmpfs without twice the room needed (a container's 64 MB /dev/shm)", () => {
    expect(ramScratchRoot(choice({ freeBytes: 64 * 1024 ** 2 }))).toBeUndefined();
    expect(ramScratchRoot(choice({ freeBytes: 2 * GiB - 1 }))).toBeUndefined();
  });

  it("refuses what is not a tmpfs, or not mounted, or unknown", () => {
    expect(ramScratchRoot(choice({ mounts: mounts("rw", "ext4") }))).toBeUndefined();
    expect(ramScratchRoot(choice({ mounts: "/dev/vda / ext4 rw 0 0\n" }))).toBeUndefined();
    expect(ramScratchRoot(choice({ mounts: undefined }))).toBeUndefined();
    expect(ramScratchRoot(choice({ freeBytes: undefined }))).toBeUndefined();
  });

  it("reads the last mount on the path, the one in effect", () => {
    expect(ramScratchRoot(choice({ mounts: `${mounts("rw")}tmpfs ${RAM_SCRATCH} tmpfs rw,noexec 0 0\n` }))).toBeUndefined();
  });
});

describe("manyFilesScratchDir", () => {
  it("makes a new, empty, writable directory with the prefix", () => {
    const dir = manyFilesScratchDir("edge-mtls-scratch-test-", 1024);
    try {
      expect(dir).toMatch(/edge-mtls-scratch-test-[^/]+$/);
      expect(fs.readdirSync(dir)).toEqual([]);
      fs.writeFileSync(`${dir}/f`, "x");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
