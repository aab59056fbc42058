/**
 * Issue 13 acceptance: twelve years of daily `pulumi up` with the defaults (root 10y, leaves
 * 90d renewed 30d before expiry, `intermediate: true` with its defaults: 1y rotating mesh
 * intermediates, edge-clients intermediate for the root's life, warning 180d ahead).
 *
 * Daily runs are cheap to *reason* about and expensive to *execute* (real keys and
 * signatures), so the test does both halves:
 *
 * 1. A pure schedule (the library's own generation arithmetic, `stateAt`) gives, for every
 *    one of the 4,381 days, everything a run depends on: the program phase (the operator's
 *    CA rotation), and per CA the leaf generation, the intermediate generation and whether
 *    the end-of-life warning is due. Days where that state changes are the *event days*.
 * 2. The real offline engine runs every event day, plus a sparse sample of the days in
 *    between, carrying the prior state from run to run. On the sampled days it must plan
 *    nothing (so skipping quiet days loses nothing); on every event day the run must show
 *    the event.
 *
 * On top of the runs: no run fails; every leaf in the state has at least its renewal window
 * left when the next run can replace it, and never outlives its issuer or the root; the mesh
 * intermediates switch on schedule, and real OpenSSL handshakes (verification time set to
 * the switch day) succeed for old and new leaves in every combination, with peers trusting
 * the root; the end-of-life warning appears from its date, in the run's warnings and in
 * plan.md, and the operator's CA rotation, started after the warning, completes with no
 * failed run and no failed handshake.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  dueEndOfLife,
  InternalCA,
  intermediateGeneration,
  intermediateSchedule,
  rotationGeneration,
  type IssuedCertificate,
  type SigningLimit,
} from "../../components/internal-ca";
import { splitPem } from "../../components/common";
import { x509 } from "../../components/common/x509";
import { runProgram, type PlanResult } from "../../engine";
import { renderPlanMarkdown } from "../../engine/render";
import { opensslHandshake, writePems } from "../support/pki";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const T0 = new Date("2026-01-01T04:17:00Z");
const LAST_DAY = 12 * 365;
const at = (day: number) => new Date(T0.getTime() + day * DAY);

// The documented defaults (docs/internal-ca.md#lifecycle).
const ROOT_HOURS = 3650 * 24;
const LEAF_HOURS = 90 * 24;
const RENEW_HOURS = 30 * 24;
const WARN_HOURS = 180 * 24;
const SCHEDULE = intermediateSchedule(365 * 24, LEAF_HOURS, RENEW_HOURS) ?? { periodHours: 0, overlapHours: 0 };

/** The first day the v1 CA warns: root end − one leaf validity − the horizon (day 3380). */
const V1_WARN_DAY = (ROOT_HOURS - LEAF_HOURS - WARN_HOURS) / 24;
/** The operator starts the CA rotation 40 days after the warning appeared, one step a week. */
const STEP1 = V1_WARN_DAY + 40;
const STEP2 = STEP1 + 7;
const STEP3 = STEP2 + 7;
const phaseOf = (day: number) => (day < STEP1 ? 0 : day < STEP2 ? 1 : day < STEP3 ? 2 : 3);

type Pair = { chain: string; key: string };
interface Out {
  bundle: string;
  api: Pair;
  nginx: Pair;
  worker: Pair;
  clientPins: string;
}
const pair = (c: IssuedCertificate): { chain: typeof c.chainPem; key: typeof c.privateKeyPem } => ({ chain: c.chainPem, key: c.privateKeyPem });

function leaves(ca: InternalCA, bundle = ca.trustBundle) {
  return {
    bundle,
    api: pair(ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] })),
    nginx: pair(ca.issueClientCertificate("nginx", { identity: "nginx-gateway" })),
    worker: pair(ca.issuers.edgeClients.issueClientCertificate("worker", { identity: "partner-worker" })),
    clientPins: ca.issuers.meshClients.pinBundle,
  };
}

/** The stack program on `day`: the defaults, and the documented three-step CA rotation. */
function program(day: number) {
  return async () => {
    switch (phaseOf(day)) {
      case 0:
        return leaves(new InternalCA("mesh", { intermediate: true }));
      case 1: {
        const v2 = new InternalCA("mesh-v2", { intermediate: true });
        return leaves(new InternalCA("mesh", { intermediate: true, extraTrustedCaPems: [v2.rootCertPem] }));
      }
      case 2: {
        const v1 = new InternalCA("mesh", { intermediate: true, protect: false });
        return leaves(new InternalCA("mesh-v2", { intermediate: true, extraTrustedCaPems: [v1.rootCertPem] }));
      }
      default:
        return leaves(new InternalCA("mesh-v2", { intermediate: true }));
    }
  };
}

/** The anchors (root creation days) of the CAs in the program on `day`. */
const anchorsOn = (day: number): number[] => [[0], [0, STEP1], [0, STEP1], [STEP1]][phaseOf(day)] ?? [];

const limits = (anchorDay: number): SigningLimit[] => {
  const notAfter = new Date(at(anchorDay).getTime() + ROOT_HOURS * HOUR);
  return [
    { what: "root", notAfter, leafHours: LEAF_HOURS },
    { what: "edge-clients", notAfter, leafHours: LEAF_HOURS },
  ];
};

/** Everything a run on `day` depends on, from the library's pure schedule. */
function stateAt(day: number): string {
  const now = at(day);
  return JSON.stringify([
    phaseOf(day),
    anchorsOn(day).map((a) => [
      rotationGeneration(at(a), now, LEAF_HOURS, RENEW_HOURS),
      intermediateGeneration(at(a), now, SCHEDULE),
      dueEndOfLife(limits(a), WARN_HOURS, now).length > 0,
    ]),
  ]);
}
const warningDue = (day: number) => anchorsOn(day).some((a) => dueEndOfLife(limits(a), WARN_HOURS, at(day)).length > 0);
const intermediateGenerations = (day: number) => anchorsOn(day).map((a) => intermediateGeneration(at(a), at(day), SCHEDULE));

const EVENT_DAYS = Array.from({ length: LAST_DAY + 1 }, (_, d) => d).filter((d) => d === 0 || stateAt(d) !== stateAt(d - 1));
const EVENTS = new Set(EVENT_DAYS);
/** Quiet days run anyway: every 251st (a prime, so the samples fall at varying points of the leaf and intermediate periods), and the day before the warning. */
const SAMPLE_DAYS = Array.from({ length: LAST_DAY + 1 }, (_, d) => d).filter((d) => !EVENTS.has(d) && (d % 251 === 125 || d === V1_WARN_DAY - 1));
const RUN_DAYS = [...EVENT_DAYS, ...SAMPLE_DAYS].sort((a, b) => a - b);
/** Days on which a mesh intermediate takes over (some CA's intermediate generation grows). */
const SWITCH_DAYS = EVENT_DAYS.filter((d) => d > 0 && phaseOf(d) === phaseOf(d - 1) && intermediateGenerations(d).some((g, i) => g !== intermediateGenerations(d - 1)[i]));

interface Run {
  day: number;
  plan: PlanResult;
  out: Out;
}

const parsed = new Map<string, x509.X509Certificate>();
/** Parses a certificate once (the same PEMs recur in many runs). */
const cert = (pem: string): x509.X509Certificate => {
  let c = parsed.get(pem);
  if (!c) parsed.set(pem, (c = new x509.X509Certificate(pem)));
  return c;
};
const ski = (c: x509.X509Certificate) => c.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
const aki = (c: x509.X509Certificate) => c.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
const LEAVES = ["api", "nginx", "worker"] as const;

describe(`twelve years of daily runs with the defaults (${LAST_DAY + 1} days)`, () => {
  const runs: Run[] = [];
  let seconds = 0;
  let cpuSeconds = 0;
  beforeAll(async () => {
    const started = Date.now();
    const cpu = process.cpuUsage();
    let prior: PlanResult | undefined;
    for (const day of RUN_DAYS) {
      const plan: PlanResult = await runProgram(program(day), { now: at(day), prior });
      runs.push({ day, plan, out: plan.outputs as unknown as Out });
      prior = plan;
    }
    seconds = (Date.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    cpuSeconds = (used.user + used.system) / 1e6;
  }, 600_000);

  it("derives the event days from the pure schedule: leaf rotations, intermediate switches, the warning, the CA-rotation steps", () => {
    // 57 v1 leaf boundaries before the rotation, v2's after it, 14 + 4 intermediate switches, 3 steps, 1 warning start.
    expect(SWITCH_DAYS).toEqual([240, 480, 720, 960, 1200, 1440, 1680, 1920, 2160, 2400, 2640, 2880, 3120, 3360, STEP1 + 240, STEP1 + 480, STEP1 + 720, STEP1 + 960]);
    expect(EVENT_DAYS).toContain(V1_WARN_DAY);
    expect([STEP1, STEP2, STEP3].every((d) => EVENTS.has(d))).toBe(true);
    console.info(`lifecycle: ${EVENT_DAYS.length} event days and ${SAMPLE_DAYS.length} sampled quiet days run through the engine in ${seconds.toFixed(1)}s (${cpuSeconds.toFixed(1)}s of CPU)`);
  });

  it("fails no run", () => {
    expect(runs).toHaveLength(RUN_DAYS.length);
    for (const r of runs) expect({ day: r.day, errors: r.plan.errors }).toEqual({ day: r.day, errors: [] });
  });

  it("plans nothing on the sampled days between events (skipping quiet days loses nothing)", () => {
    const sampled = runs.filter((r) => !EVENTS.has(r.day));
    expect(sampled.length).toBeGreaterThan(15);
    for (const r of sampled) expect({ day: r.day, changes: r.plan.changes().map((c) => c.name) }).toEqual({ day: r.day, changes: [] });
  });

  it("replaces the leaves (key, CSR, certificate) exactly on the days their generation changes", () => {
    for (const [i, r] of runs.entries()) {
      if (i === 0 || !EVENTS.has(r.day)) continue;
      const prev = runs[i - 1] as Run;
      if (phaseOf(r.day) !== phaseOf(prev.day)) continue;
      const replaced = r.plan.changes().filter((c) => c.op === "replace" && /-(api|nginx|worker)-(key|csr|cert)$/.test(c.name));
      const issuing = at(phaseOf(r.day) <= 1 ? 0 : STEP1);
      const newLeafGen = rotationGeneration(issuing, at(r.day), LEAF_HOURS, RENEW_HOURS) !== rotationGeneration(issuing, at(prev.day), LEAF_HOURS, RENEW_HOURS);
      expect({ day: r.day, replaced: replaced.length }).toEqual({ day: r.day, replaced: newLeafGen ? 9 : 0 });
    }
  });

  it("never lets a leaf in the state get closer to expiry than its renewal window (30d) before the next run can replace it", () => {
    for (const [i, r] of runs.entries()) {
      const next = runs[i + 1]?.day ?? LAST_DAY;
      for (const name of LEAVES) {
        const leaf = cert(splitPem(r.out[name].chain)[0] ?? "");
        expect(leaf.notBefore.getTime()).toBeLessThanOrEqual(at(r.day).getTime());
        const left = (leaf.notAfter.getTime() - at(next).getTime()) / DAY;
        expect({ day: r.day, name, ok: left >= 30 }).toEqual({ day: r.day, name, ok: true });
      }
    }
  });

  it("never lets a leaf outlive its issuer or the root, and serves each leaf with the intermediate that signed it", () => {
    for (const r of runs) {
      const roots = splitPem(r.out.bundle).map(cert);
      for (const name of LEAVES) {
        const [leaf, issuer, ...rest] = splitPem(r.out[name].chain).map(cert);
        expect(rest).toEqual([]);
        if (!leaf || !issuer) throw new Error(`day ${r.day}: ${name} has no chain`);
        expect(aki(leaf)).toBe(ski(issuer));
        const root = roots.find((c) => ski(c) === aki(issuer));
        if (!root) throw new Error(`day ${r.day}: ${name}'s issuer is not signed by a trusted root`);
        expect({ day: r.day, name, ok: leaf.notAfter <= issuer.notAfter && issuer.notAfter <= root.notAfter }).toEqual({ day: r.day, name, ok: true });
      }
    }
  });

  it("switches the mesh intermediates exactly on the switch days, and the edge-clients intermediate never", () => {
    const issuerOf = (r: Run, name: (typeof LEAVES)[number]) => ski(cert(splitPem(r.out[name].chain)[1] ?? ""));
    for (const [i, r] of runs.entries()) {
      if (i === 0 || phaseOf(r.day) !== phaseOf((runs[i - 1] as Run).day) || phaseOf(r.day) === 2) continue;
      const prev = runs[i - 1] as Run;
      const switched = SWITCH_DAYS.includes(r.day);
      for (const name of ["api", "nginx"] as const) expect({ day: r.day, name, changed: issuerOf(r, name) !== issuerOf(prev, name) }).toEqual({ day: r.day, name, changed: switched });
      expect({ day: r.day, changed: issuerOf(r, "worker") !== issuerOf(prev, "worker") }).toEqual({ day: r.day, changed: false });
    }
  });

  it("keeps the previous mesh-clients intermediate in the pinned bundle after each switch", () => {
    for (const day of SWITCH_DAYS) {
      const i = runs.findIndex((r) => r.day === day);
      const [prev, cur] = [runs[i - 1] as Run, runs[i] as Run];
      const pinned = splitPem(cur.out.clientPins).map((p) => ski(cert(p)));
      expect(pinned).toHaveLength(2);
      expect(pinned).toContain(ski(cert(splitPem(prev.out.nginx.chain)[1] ?? "")));
      expect(pinned).toContain(ski(cert(splitPem(cur.out.nginx.chain)[1] ?? "")));
    }
  });

  it("completes real OpenSSL handshakes at each switch with a server that pins the mesh-clients issuer: old and new client leaves pass, an edge-clients leaf does not", async () => {
    const cases: Array<{ day: number; label: string; client: Pair; accepted: boolean }> = [];
    for (const day of SWITCH_DAYS) {
      const i = runs.findIndex((r) => r.day === day);
      const [prev, cur] = [runs[i - 1] as Run, runs[i] as Run];
      cases.push({ day, label: "old nginx leaf", client: prev.out.nginx, accepted: true }, { day, label: "new nginx leaf", client: cur.out.nginx, accepted: true }, { day, label: "worker leaf (edge-clients)", client: cur.out.worker, accepted: false });
    }
    const handshake = async (h: (typeof cases)[number]) => {
      const cur = runs.find((r) => r.day === h.day) as Run;
      // The server trusts the pinned intermediates only (no root): partial-chain verification.
      const f = writePems({ serverChain: cur.out.api.chain, serverKey: cur.out.api.key, pins: cur.out.clientPins, clientChain: h.client.chain, clientKey: h.client.key, clientCa: cur.out.bundle });
      const r = await opensslHandshake({
        server: { cert: f.path.serverChain, key: f.path.serverKey, caFile: f.path.pins, partialChain: true },
        client: { cert: f.path.clientChain, key: f.path.clientKey, caFile: f.path.clientCa, servername: "api.mesh.internal" },
        attime: new Date(at(h.day).getTime() + HOUR),
      });
      return { day: h.day, label: h.label, accepted: r.ok };
    };
    // A few at a time: each case starts its own s_server, and a loaded machine starts them slowly.
    const outcomes: Array<Awaited<ReturnType<typeof handshake>>> = [];
    for (let k = 0; k < cases.length; k += 3) outcomes.push(...(await Promise.all(cases.slice(k, k + 3).map(handshake))));
    expect(cases).toHaveLength(SWITCH_DAYS.length * 3);
    expect(outcomes).toEqual(cases.map(({ day, label, accepted }) => ({ day, label, accepted })));
  }, 120_000);

  it("completes real OpenSSL handshakes for old and new leaves in every combination at each switch (clients trusting the root)", async () => {
    const cases: Array<{ day: number; label: string; server: Pair; serverCa: string; client: Pair; clientCa: string }> = [];
    for (const day of [...SWITCH_DAYS, STEP2]) {
      const i = runs.findIndex((r) => r.day === day);
      const [prev, cur] = [runs[i - 1] as Run, runs[i] as Run];
      for (const [s, sl] of [[prev, "old"], [cur, "new"]] as const) {
        for (const [c, cl] of [[prev, "old"], [cur, "new"]] as const) {
          cases.push({ day, label: `${sl} server, ${cl} client`, server: s.out.api, serverCa: s.out.bundle, client: c.out.nginx, clientCa: c.out.bundle });
        }
      }
    }
    const failures: string[] = [];
    for (let k = 0; k < cases.length; k += 8) {
      await Promise.all(
        cases.slice(k, k + 8).map(async (h) => {
          const f = writePems({ serverChain: h.server.chain, serverKey: h.server.key, serverCa: h.serverCa, clientChain: h.client.chain, clientKey: h.client.key, clientCa: h.clientCa });
          const r = await opensslHandshake({
            server: { cert: f.path.serverChain, key: f.path.serverKey, caFile: f.path.serverCa },
            client: { cert: f.path.clientChain, key: f.path.clientKey, caFile: f.path.clientCa, servername: "api.mesh.internal" },
            attime: new Date(at(h.day).getTime() + HOUR),
          });
          if (!r.ok) failures.push(`day ${h.day} ${h.label}: ${r.error ?? ""}`);
        }),
      );
    }
    expect(cases).toHaveLength((SWITCH_DAYS.length + 1) * 4);
    expect(failures).toEqual([]);
  }, 120_000);

  it("warns on every run from the documented date (day 3380) until the old CA is gone, and never before", () => {
    for (const r of runs) {
      const warned = r.plan.warnings.some((w) => w.includes('InternalCA "mesh": the root CA'));
      expect({ day: r.day, warned }).toEqual({ day: r.day, warned: warningDue(r.day) });
      expect(warningDue(r.day)).toBe(r.day >= V1_WARN_DAY && r.day < STEP3);
    }
    expect(runs.some((r) => r.day === V1_WARN_DAY - 1)).toBe(true);
  });

  it("says the dates and the procedure in the warning, and puts it in plan.md", () => {
    const r = runs.find((x) => x.day === V1_WARN_DAY) as Run;
    const lastFull = new Date(T0.getTime() + (ROOT_HOURS - LEAF_HOURS) * HOUR).toISOString().slice(0, 10);
    const expiry = new Date(T0.getTime() + ROOT_HOURS * HOUR).toISOString().slice(0, 10);
    const warning = r.plan.warnings.find((w) => w.includes('InternalCA "mesh"')) ?? "";
    expect(warning).toContain(`it expires ${expiry}, and certificates it signs after ${lastFull} would outlive it`);
    expect(warning).toContain("docs/internal-ca.md#ca-rotation");
    expect(warning).toContain('add a new InternalCA ("mesh-v2") and list its rootCertPem in this CA\'s extraTrustedCaPems');
    const md = renderPlanMarkdown(r.plan);
    expect(md).toContain(`## Warnings\n\n- ${warning}`);
    // The certificate table tells rotating intermediates from the protected, non-rotating ones.
    expect(md).toMatch(/\| mesh-mesh-servers-ca-0-cert \|.*\| by generation \(rotating CA\) \|/);
    expect(md).toMatch(/\| mesh-intermediate-cert \|.*\| never \(CA, protected\) \|/);
  });
});

describe("the CA rotation started after the root can no longer sign a full-length leaf", () => {
  const program2 = (step: number) => async () => {
    const caValidity = "2y";
    if (step === 0) return leaves(new InternalCA("mesh", { caValidity, intermediate: true }));
    if (step === 1) {
      const v2 = new InternalCA("mesh-v2", { caValidity, intermediate: true });
      return leaves(new InternalCA("mesh", { caValidity, intermediate: true, extraTrustedCaPems: [v2.rootCertPem] }));
    }
    if (step === 2) {
      const v1 = new InternalCA("mesh", { caValidity, intermediate: true, protect: false });
      return leaves(new InternalCA("mesh-v2", { caValidity, intermediate: true, extraTrustedCaPems: [v1.rootCertPem] }));
    }
    return leaves(new InternalCA("mesh-v2", { caValidity, intermediate: true }));
  };
  const plans: PlanResult[] = [];
  // Day 700 of a 730-day root: 60 days past its last full-length leaf (day 640).
  const days = [0, 700, 701, 702, 703];
  beforeAll(async () => {
    let prior: PlanResult | undefined;
    for (const [i, day] of days.entries()) {
      prior = await runProgram(program2(Math.max(0, i - 1)), { now: at(day), prior });
      plans.push(prior);
    }
  });

  it("fails no run, and warns that the root can no longer sign a full-length certificate", () => {
    for (const p of plans) expect(p.errors).toEqual([]);
    expect((plans[1] as PlanResult).warnings.join("\n")).toMatch(/the root CA "mesh Root CA" can no longer sign a full-length certificate/);
    expect((plans[4] as PlanResult).warnings).toEqual([]);
  });

  it("completes the handshakes of every step: old and new leaves with each side's bundle", async () => {
    const outs = plans.map((p) => p.outputs as unknown as Out);
    const [, , s1, s2, s3] = outs as [Out, Out, Out, Out, Out];
    const attime = new Date(at(702).getTime() + HOUR);
    for (const [server, client] of [[s1, s2], [s2, s1], [s2, s2], [s3, s3]] as const) {
      const f = writePems({ sc: server.api.chain, sk: server.api.key, sca: server.bundle, cc: client.nginx.chain, ck: client.nginx.key, cca: client.bundle });
      const r = await opensslHandshake({ server: { cert: f.path.sc, key: f.path.sk, caFile: f.path.sca }, client: { cert: f.path.cc, key: f.path.ck, caFile: f.path.cca, servername: "api.mesh.internal" }, attime });
      expect(r.error).toBeUndefined();
    }
  });
});
