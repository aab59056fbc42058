/** test/support/pki.ts `freePorts`: the ports the handshake, nginx and workerd harnesses listen on. */
import * as net from "node:net";
import { describe, expect, it } from "vitest";
import { freePorts } from "./pki";

describe("freePorts", () => {
  it("returns that many distinct ports, each free to bind on 127.0.0.1 afterwards", async () => {
    const ports = await freePorts(16);
    expect(ports).toHaveLength(16);
    expect(new Set(ports).size).toBe(16);
    const servers = ports.map(() => net.createServer());
    try {
      await Promise.all(servers.map((srv, i) => new Promise<void>((resolve, reject) => srv.once("error", reject).listen(ports[i], "127.0.0.1", resolve))));
    } finally {
      await Promise.all(servers.map((srv) => new Promise<void>((resolve) => (srv.listening ? srv.close(() => resolve()) : resolve()))));
    }
  });
});
