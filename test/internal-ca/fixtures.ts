/**
 * Shared program for InternalCA tests: a CA issuing the usual matrix of leaves, run through
 * the offline engine, with PEMs unwrapped from the recorded outputs.
 */
import { InternalCA, type InternalCAArgs } from "../../components";
import { runProgram, type PlanResult, type RunOptions } from "../../engine";
import { pooledProviders } from "../support/key-pool";

export interface Material {
  rootPem: string;
  bundle: string;
  server: { cert: string; chain: string; key: string };
  client: { cert: string; chain: string; key: string };
  serverOnly: { chain: string; key: string };
}

/** A CA with a server leaf ("api.mesh.internal"), a client leaf ("nginx-gateway") and a server-only leaf used as a would-be client. */
export function matrixProgram(caArgs: InternalCAArgs = {}) {
  return async () => {
    const ca = new InternalCA("mesh", { protect: false, ...caArgs });
    const server = ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"], ipAddresses: ["127.0.0.1"] });
    const client = ca.issueClientCertificate("nginx", { identity: "nginx-gateway", uris: ["spiffe://mesh.internal/nginx-gateway"] });
    const serverOnly = ca.issueServerCertificate("impostor", { dnsNames: ["impostor.mesh.internal"] });
    return {
      rootPem: ca.rootCertPem,
      bundle: ca.trustBundle,
      server: { cert: server.certPem, chain: server.chainPem, key: server.privateKeyPem },
      client: { cert: client.certPem, chain: client.chainPem, key: client.privateKeyPem },
      serverOnly: { chain: serverOnly.chainPem, key: serverOnly.privateKeyPem },
    };
  };
}

export async function mint(caArgs: InternalCAArgs = {}, options: RunOptions = {}): Promise<{ plan: PlanResult; m: Material }> {
  const plan = await runProgram(matrixProgram(caArgs), { providers: pooledProviders(), ...options });
  return { plan, m: plan.outputs as unknown as Material };
}
