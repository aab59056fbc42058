/** Construction errors of MtlsService and TraefikInstall, checked before any child exists. */
import { describe, expect, it } from "vitest";
import { EdgeMtlsArgumentError } from "../../components/common/errors";
import { meshValuesProblems, validateMtlsServiceArgs, validateTraefikInstallArgs, type MtlsServiceCheckInput } from "../../components/traefik/validate";
import { buildTraefikValues, deepMerge } from "../../components/traefik/traefik-install";

const ok: MtlsServiceCheckInput = {
  knownEntrypoints: ["web", "websecure", "mesh"],
  entrypoint: "mesh",
  service: { namespace: "apps", name: "orders", port: 8080 },
  hostnames: ["orders.mesh.example.com"],
  clients: [{ name: "nginx-gateway" }],
};
const check = (over: Partial<MtlsServiceCheckInput>) => () => validateMtlsServiceArgs("orders", { ...ok, ...over });

describe("validateMtlsServiceArgs: identities and the clients shorthand", () => {
  it("accepts identities alone, without clients", () => {
    expect(() => validateMtlsServiceArgs("orders", { ...ok, clients: undefined, identityNames: ["nginx-gateway"] })).not.toThrow();
  });

  it("refuses a service with neither identities nor clients, pointing at identities", () => {
    expect(check({ clients: [], identityNames: [] })).toThrow(/^MtlsService "orders": identities is empty; list at least one WorkloadIdentity/);
  });

  it("refuses an identity listed twice", () => {
    expect(check({ clients: [], identityNames: ["gw", "gw"] })).toThrow('identities[1] "gw" is listed twice');
  });

  it("refuses a shorthand caller named like a listed identity", () => {
    expect(check({ clients: [{ name: "gw" }], identityNames: ["gw"] })).toThrow(/clients\[0\].name "gw" is also a listed identity; keep one of them/);
  });
});

describe("validateMtlsServiceArgs", () => {
  it("accepts a minimal service and defaults to TLS 1.3, no suites, sniStrict", () => {
    expect(validateMtlsServiceArgs("orders", ok).policy).toEqual({ minVersion: "1.3", cipherSuites: [], sniStrict: true });
  });

  it("refuses an unknown entrypoint, naming the known ones", () => {
    expect(check({ entrypoint: "meshy" })).toThrow('MtlsService "orders": entrypoint "meshy" is not an entrypoint of the Traefik install; known: web, websecure, mesh');
  });

  it("refuses TLS versions below 1.2", () => {
    expect(check({ minTlsVersion: "1.1" })).toThrow('minTlsVersion "1.1" is below TLS 1.2');
    expect(check({ minTlsVersion: "1.0" })).toThrow(EdgeMtlsArgumentError);
  });

  it("refuses cipher suites given with TLS 1.3 only", () => {
    expect(check({ cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] })).toThrow(/cipherSuites .* given with minTlsVersion "1.3"/);
  });

  it("allows TLS 1.2 with AEAD suites and defaults to all of them", () => {
    const s = validateMtlsServiceArgs("orders", { ...ok, minTlsVersion: "1.2" });
    expect(s.policy.minVersion).toBe("1.2");
    expect(s.policy.cipherSuites.length).toBe(6);
  });

  it("refuses a non-AEAD suite with TLS 1.2", () => {
    expect(check({ minTlsVersion: "1.2", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"] })).toThrow(/cipherSuites\[0\] "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" is not an allowed suite/);
  });

  it("refuses empty hostnames", () => {
    expect(check({ hostnames: [] })).toThrow('MtlsService "orders": hostnames is empty');
  });

  it("refuses a wildcard host, explaining the HostRegexp pitfall", () => {
    expect(check({ hostnames: ["*.mesh.example.com"] })).toThrow(/traefik#7530/);
  });

  it("refuses an invalid or duplicated host", () => {
    expect(check({ hostnames: ["Orders.example.com"] })).toThrow(/hostnames\[0\] "Orders.example.com" must be lower case/);
    expect(check({ hostnames: ["a.example.com", "a.example.com"] })).toThrow(/hostnames\[1\] "a.example.com" is listed twice/);
  });

  it("refuses a caller listed twice", () => {
    expect(check({ clients: [{ name: "nginx-gateway" }, { name: "nginx-gateway" }] })).toThrow('clients[1].name "nginx-gateway" is listed twice');
  });

  it("refuses an empty caller list (nobody could connect)", () => {
    expect(check({ clients: [] })).toThrow(/clients is empty/);
  });

  it("refuses a caller name that is not a DNS-1123 label", () => {
    expect(check({ clients: [{ name: "Nginx Gateway" }] })).toThrow(/clients\[0\].name "Nginx Gateway"/);
  });

  it("refuses a caller URI that is not absolute", () => {
    expect(check({ clients: [{ name: "a", uris: ["mesh/a"] }] })).toThrow(/clients\[0\].uris\[0\]/);
  });

  it("refuses a bad backend port", () => {
    expect(check({ service: { namespace: "apps", name: "orders", port: 70000 } })).toThrow(/service.port 70000/);
  });

  it("defaults the upstream server name to the Service DNS name", () => {
    expect(validateMtlsServiceArgs("orders", { ...ok, upstream: {} }).upstreamServerName).toBe("orders.apps.svc");
  });

  it("refuses a component name that cannot prefix Kubernetes names", () => {
    expect(() => validateMtlsServiceArgs("Orders", ok)).toThrow(/name "Orders"/);
  });
});

describe("validateTraefikInstallArgs", () => {
  const ep = { name: "mesh", port: 8443, containerPort: 9443 };

  it("accepts the defaults", () => {
    expect(() => validateTraefikInstallArgs("edge", { namespace: "traefik", mtlsEntrypoint: ep })).not.toThrow();
  });

  it("refuses reusing a chart entrypoint name", () => {
    expect(() => validateTraefikInstallArgs("edge", { namespace: "traefik", mtlsEntrypoint: { ...ep, name: "websecure" } })).toThrow(/mtlsEntrypoint.name "websecure" is already an entrypoint/);
  });

  it("refuses a container port the chart already uses (websecure listens on 8443 in the pod)", () => {
    expect(() => validateTraefikInstallArgs("edge", { namespace: "traefik", mtlsEntrypoint: { ...ep, containerPort: 8443 } })).toThrow(/containerPort 8443/);
  });
});

describe("mTLS entrypoint values", () => {
  const ep = { name: "mesh", port: 8443, containerPort: 9443, exposePublicly: false };
  const values = buildTraefikValues(ep, true);

  it("the library's own values pass the checks", () => {
    expect(meshValuesProblems(values, "mesh")).toEqual([]);
  });

  it("refuses forwardedHeaders.insecure on the mTLS entrypoint", () => {
    const v = deepMerge(values, { ports: { mesh: { forwardedHeaders: { insecure: true } } } });
    expect(meshValuesProblems(v, "mesh")[0]).toMatch(/forwardedHeaders.insecure is true/);
  });

  it("refuses trusted forwarded-header IP ranges on the mTLS entrypoint (e.g. covering nginx or cloudflared)", () => {
    const v = deepMerge(values, { ports: { mesh: { forwardedHeaders: { trustedIPs: ["10.0.0.0/8"] } } } });
    expect(meshValuesProblems(v, "mesh")[0]).toMatch(/trustedIPs/);
  });

  it("refuses the same through additionalArguments", () => {
    const v = deepMerge(values, { additionalArguments: ["--entrypoints.mesh.forwardedHeaders.insecure=true"] });
    expect(meshValuesProblems(v, "mesh")[0]).toMatch(/additionalArguments/);
  });

  it("refuses turning TLS off on the mTLS entrypoint (seed 001's 404)", () => {
    const v = deepMerge(values, { ports: { mesh: { http: { tls: { enabled: false } } } } });
    expect(meshValuesProblems(v, "mesh")[0]).toMatch(/^ports.mesh.http.tls.enabled must be true/);
  });

  it("refuses the pre-v39 key ports.<mesh>.tls, which the chart ignores", () => {
    const v = deepMerge(values, { ports: { mesh: { tls: { enabled: true } } } });
    expect(meshValuesProblems(v, "mesh")).toEqual([expect.stringMatching(/^ports.mesh.tls is the pre-v39 key/)]);
  });

  it("refuses replacing the mTLS entrypoint's default TLS option", () => {
    const v = deepMerge(buildTraefikValues(ep, true, "traefik-edge-mesh-mtls@kubernetescrd"), { ports: { mesh: { http: { tls: { options: "default" } } } } });
    expect(meshValuesProblems(v, "mesh", "traefik-edge-mesh-mtls@kubernetescrd")[0]).toMatch(/^ports.mesh.http.tls.options is "default"; it must stay "traefik-edge-mesh-mtls@kubernetescrd"/);
  });
});
