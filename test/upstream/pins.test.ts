/**
 * Issue 11, pins users can trust: every pinned chart has its upstream artifacts vendored,
 * the CRD validator uses the CRDs of the versions the library installs, and docs/pins.md
 * states every pin the code carries.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { TRAEFIK_CHART_VERSION } from "../../components/traefik/traefik-install";
import { CERT_MANAGER_CHART_VERSION } from "../../components/cert-manager/types";
import { CLOUDFLARED_IMAGE } from "../../components/tunnel/cloudflared";
import { CERT_MANAGER_CRDS_DIR, CRDS_DIR, crdSource, validateCustomResource } from "../support/crd";
import { chartDir, vendoredChart } from "../support/helm";
import { ROOT } from "../support/examples";

const minor = (v: string): string => /^v?(\d+\.\d+)\./.exec(v)?.[1] ?? `not a version: ${v}`;

describe("chart pins", () => {
  it.each([
    ["traefik", TRAEFIK_CHART_VERSION],
    ["cert-manager", CERT_MANAGER_CHART_VERSION],
  ])("%s %s is vendored with values.yaml, values.schema.json and templates/", (name, version) => {
    const chart = vendoredChart(name, version);
    expect(chart, `${chartDir(name, version)} is missing`).toBeDefined();
    expect(fs.existsSync(path.join(chart?.dir ?? "", "templates"))).toBe(true);
  });

  it("cert-manager is pinned to a supported minor (v1.19 is out of support)", () => {
    expect(CERT_MANAGER_CHART_VERSION).toBe("v1.21.1");
  });
});

describe("the CRD validator matches the pinned versions", () => {
  it.each(["Certificate", "Issuer", "ClusterIssuer"])("cert-manager.io/v1 %s comes from the pinned chart's own CRD templates", (kind) => {
    expect(crdSource(`cert-manager.io/v1/${kind}`)).toMatch(new RegExp(`^${CERT_MANAGER_CRDS_DIR.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  });

  it("refuses a field that cert-manager master has and v1.21.1 does not (acme.renewalInformationSource)", () => {
    const issuer = {
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: "le" },
      spec: { acme: { server: "https://acme-staging-v02.api.letsencrypt.org/directory", privateKeySecretRef: { name: "le" }, renewalInformationSource: "ARI", solvers: [{ http01: { ingress: {} } }] } },
    };
    expect(validateCustomResource(issuer).join("\n")).toMatch(/renewalInformationSource/);
  });

  it.each(["IngressRoute", "Middleware", "TLSOption", "ServersTransport"])("traefik.io/v1alpha1 %s comes from shared/crds", (kind) => {
    expect(crdSource(`traefik.io/v1alpha1/${kind}`)?.startsWith(CRDS_DIR)).toBe(true);
  });

  it("the Traefik CRDs are of the minor release the pinned chart runs (appVersion)", () => {
    const appVersion = (parse(fs.readFileSync(path.join(chartDir("traefik", TRAEFIK_CHART_VERSION), "Chart.yaml"), "utf8")) as { appVersion: string }).appVersion;
    const readme = fs.readFileSync(path.join(CRDS_DIR, "README.md"), "utf8");
    const described = /traefik\/traefik, commit [0-9a-f]+[\s\S]*?`git describe`: (v[\d.]+)/.exec(readme)?.[1];
    expect(described, "shared/crds/README.md names the Traefik commit's git describe").toBeDefined();
    expect(minor(described ?? "")).toBe(minor(appVersion));
  });
});

describe("docs/pins.md", () => {
  const doc = fs.readFileSync(path.join(ROOT, "docs/pins.md"), "utf8");

  it.each([
    ["the Traefik chart", TRAEFIK_CHART_VERSION],
    ["the cert-manager chart", CERT_MANAGER_CHART_VERSION],
    ["the cloudflared image", CLOUDFLARED_IMAGE],
  ])("states %s pin as the code has it (%s)", (_what, pin) => {
    expect(doc).toContain(`\`${pin}\``);
  });

  it("states the CI pin and the peer range users get of every Pulumi package", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string>; peerDependencies: Record<string, string> };
    for (const name of ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/cloudflare", "@pulumi/tls", "@pulumi/random"]) {
      expect(doc, name).toContain(`\`${name}\` | \`${pkg.devDependencies[name] ?? "?"}\` (CI); peer range \`${pkg.peerDependencies[name] ?? "?"}\``);
    }
  });
});
