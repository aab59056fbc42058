/** Construction errors of MtlsService and TraefikInstall, checked before any child exists. */
import { describe, expect, it } from "vitest";
import { EdgeMtlsArgumentError } from "../../components/common/errors";
import { goTemplateTruthy, meshValuesProblems, traefikFlagKey, validateMtlsServiceArgs, validateTraefikInstallArgs, type MtlsServiceCheckInput } from "../../components/traefik/validate";
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

  it("puts the mTLS entrypoint's TLS at ports.mesh.http.tls, where chart >= v39 reads it", () => {
    expect(values.ports).toMatchObject({ mesh: { http: { tls: { enabled: true } } }, websecure: { http: { tls: { enabled: true } } } });
    expect((values.ports as Record<string, Record<string, unknown>>).mesh).not.toHaveProperty("tls");
  });

  // Every values path the chart turns into a forwarded-header or PROXY-protocol flag of the
  // mesh entrypoint (templates/_podtemplate.tpl), and raw flags in any spelling Traefik accepts.
  it.each([
    ["ports.mesh.forwardedHeaders.insecure", { ports: { mesh: { forwardedHeaders: { insecure: true } } } }, /ports.mesh.forwardedHeaders.insecure is true/],
    ["ports.mesh.forwardedHeaders.insecure as a truthy string (Go templates render it)", { ports: { mesh: { forwardedHeaders: { insecure: "false" } } } }, /forwardedHeaders.insecure/],
    ["ports.mesh.forwardedHeaders.trustedIPs (e.g. covering nginx or cloudflared)", { ports: { mesh: { forwardedHeaders: { trustedIPs: ["10.0.0.0/8"] } } } }, /forwardedHeaders.trustedIPs/],
    ["ports.mesh.proxyProtocol.insecure", { ports: { mesh: { proxyProtocol: { insecure: true } } } }, /proxyProtocol trusts PROXY headers/],
    ["ports.mesh.proxyProtocol.trustedIPs", { ports: { mesh: { proxyProtocol: { trustedIPs: ["0.0.0.0/0"] } } } }, /proxyProtocol trusts PROXY headers/],
    ["additionalArguments forwardedHeaders.insecure", { additionalArguments: ["--entrypoints.mesh.forwardedHeaders.insecure=true"] }, /additionalArguments .* forwarded-header/],
    ["additionalArguments as a bare flag in another case", { additionalArguments: ["--entryPoints.MESH.ForwardedHeaders.Insecure"] }, /additionalArguments/],
    ["additionalArguments forwardedHeaders.trustedIPs", { additionalArguments: ["--entrypoints.mesh.forwardedheaders.trustedips=10.0.0.0/8"] }, /additionalArguments/],
    ["additionalArguments proxyProtocol.trustedIPs", { additionalArguments: ["--entrypoints.mesh.proxyProtocol.trustedIPs=10.0.0.0/8"] }, /PROXY-protocol/],
    ["additionalArguments with a single dash", { additionalArguments: ["-entrypoints.mesh.proxyprotocol.insecure"] }, /additionalArguments/],
    ["globalArguments (charts before v36)", { globalArguments: ["--entrypoints.mesh.forwardedHeaders.insecure"] }, /globalArguments .* forwarded-header/],
    ["globalArguments proxyProtocol", { globalArguments: ["--entryPoints.mesh.proxyProtocol.insecure=true"] }, /globalArguments/],
  ])("refuses %s", (_label, over, message) => {
    const problems = meshValuesProblems(deepMerge(values, over), "mesh");
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join("\n")).toMatch(message);
  });

  it.each([
    ["websecure's forwarded headers (not the mTLS entrypoint)", { ports: { websecure: { forwardedHeaders: { trustedIPs: ["10.0.0.0/8"] } } } }],
    ["another entrypoint's flags whose name starts like the mesh one", { additionalArguments: ["--entrypoints.meshy.forwardedHeaders.insecure"] }],
    ["unrelated additionalArguments", { additionalArguments: ["--log.level=DEBUG", "--entrypoints.mesh.transport.respondingTimeouts.readTimeout=30s"] }],
    ["empty trust lists and false flags", { ports: { mesh: { forwardedHeaders: { trustedIPs: [], insecure: false }, proxyProtocol: { trustedIPs: [], insecure: false } } } }],
  ])("accepts %s", (_label, over) => {
    expect(meshValuesProblems(deepMerge(values, over), "mesh")).toEqual([]);
  });

  it("refuses turning TLS off on the mTLS entrypoint (seed 001's 404)", () => {
    const v = deepMerge(values, { ports: { mesh: { http: { tls: { enabled: false } } } } });
    expect(meshValuesProblems(v, "mesh")[0]).toMatch(/http.tls.enabled must be true/);
  });

  it("refuses turning TLS off through additionalArguments", () => {
    const v = deepMerge(values, { additionalArguments: ["--entrypoints.mesh.http.tls=false"] });
    expect(meshValuesProblems(v, "mesh")[0]).toMatch(/overrides the mTLS entrypoint's TLS/);
  });

  it("refuses the pre-v39 key ports.mesh.tls, naming the key the chart reads", () => {
    const v = deepMerge(values, { ports: { mesh: { tls: { enabled: true } } } });
    expect(meshValuesProblems(v, "mesh")[0]).toMatch(/ports.mesh.tls is the layout of Traefik charts before v39.0.0.*ports.mesh.http.tls/);
  });

  it("refuses deleting the mTLS entrypoint with a Helm null", () => {
    const v = deepMerge(values, { ports: { mesh: null } });
    expect(meshValuesProblems(v, "mesh")).toEqual([expect.stringMatching(/ports.mesh is null/)]);
  });

  it("reads flags case-insensitively and without their value", () => {
    expect(traefikFlagKey("--entryPoints.Mesh.forwardedHeaders.trustedIPs=1.2.3.4")).toBe("entrypoints.mesh.forwardedheaders.trustedips");
    expect(traefikFlagKey("not-a-flag")).toBeUndefined();
    expect(traefikFlagKey(42)).toBeUndefined();
  });

  it("judges values with Go template truthiness", () => {
    expect([false, 0, "", null, undefined, [], {}].map(goTemplateTruthy)).toEqual([false, false, false, false, false, false, false]);
    expect([true, 1, "false", ["x"], { a: 1 }].map(goTemplateTruthy)).toEqual([true, true, true, true, true]);
  });

  it("refuses replacing the mTLS entrypoint's default TLS option", () => {
    const v = deepMerge(buildTraefikValues(ep, true, "traefik-edge-mesh-mtls@kubernetescrd"), { ports: { mesh: { http: { tls: { options: "default" } } } } });
    expect(meshValuesProblems(v, "mesh", "traefik-edge-mesh-mtls@kubernetescrd")[0]).toMatch(/^ports.mesh.http.tls.options is "default"; it must stay "traefik-edge-mesh-mtls@kubernetescrd"/);
  });

  it("refuses replacing the default TLS option through additionalArguments", () => {
    const v = deepMerge(buildTraefikValues(ep, true, "traefik-edge-mesh-mtls@kubernetescrd"), { additionalArguments: ["--entryPoints.mesh.http.tls.options=default@internal"] });
    expect(meshValuesProblems(v, "mesh", "traefik-edge-mesh-mtls@kubernetescrd")).toEqual([expect.stringMatching(/overrides the mTLS entrypoint's default TLS option/)]);
  });
});
