/**
 * TraefikInstall refuses values that select a Traefik release with a known bypass of the
 * client-certificate check (older than MIN_SAFE_TRAEFIK_VERSION), deriving the version as the
 * pinned chart's own `traefik.proxyVersion` helper does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { TRAEFIK_CHART_VERSION, TraefikInstall } from "../../components";
import { MIN_SAFE_TRAEFIK_VERSION, TRAEFIK_APP_VERSION, traefikProxyVersion, traefikVersionProblem } from "../../components/traefik/validate";
import { runProgram } from "../../engine";
import { CHARTS_DIR } from "../support/helm";

const CHART = path.join(CHARTS_DIR, `traefik-${TRAEFIK_CHART_VERSION}`);
const chartYaml = parse(fs.readFileSync(path.join(CHART, "Chart.yaml"), "utf8")) as { appVersion: string; annotations: Record<string, string> };
const helpers = fs.readFileSync(path.join(CHART, "templates/_helpers.tpl"), "utf8");
const DIGEST = `sha256:${"a".repeat(64)}`;

describe("the version the chart runs", () => {
  it("TRAEFIK_APP_VERSION is the pinned chart's appVersion", () => {
    expect(TRAEFIK_APP_VERSION).toBe(chartYaml.appVersion);
  });

  it("the chart still derives its proxy version from versionOverride, the image tags, '@', 'latest-' and 'experimental-' (what traefikProxyVersion mirrors)", () => {
    const helper = /define "traefik\.proxyVersion"[\s\S]*?\{\{- end -\}\}\n\{\{- end -\}\}/.exec(helpers)?.[0] ?? "";
    for (const part of ["$.Values.versionOverride", "$.Values.oci_meta.images.proxy.tag $.Values.image.tag", "$.Values.global.azure.images.proxy.tag", 'split "@"', 'replace "latest-" ""', 'replace "experimental-" ""', 'replace "master" $.Chart.AppVersion']) {
      expect({ part, inHelper: helper.includes(part) }).toEqual({ part, inHelper: true });
    }
  });

  it.each([
    ["no image values: the chart's appVersion", {}, TRAEFIK_APP_VERSION],
    ["image.tag", { image: { tag: "v3.6.2" } }, "v3.6.2"],
    ["a tag pinned with its digest", { image: { tag: `v3.7.1@${DIGEST}` } }, "v3.7.1"],
    ["an experimental- tag", { image: { tag: "experimental-v3.5.0" } }, "v3.5.0"],
    ["versionOverride over the tag", { image: { digest: DIGEST }, versionOverride: "v3.6.9" }, "v3.6.9"],
    ["the OCI image when oci_meta is enabled", { image: { tag: "v3.7.11" }, oci_meta: { enabled: true, images: { proxy: { tag: "v3.6.0" } } } }, "v3.6.0"],
    ["Traefik Hub (its own releases): not derived", { hub: { enabled: true }, image: { tag: "v3.20.0" } }, undefined],
  ])("%s", (_, values, version) => {
    expect(traefikProxyVersion(values)).toBe(version);
  });
});

describe("the version floor", () => {
  it("is above the chart's own minimum, and the chart's default release clears it", () => {
    expect(MIN_SAFE_TRAEFIK_VERSION).toBe("v3.7.3");
    expect(chartYaml.annotations["traefik.io/proxy-min-version"]).toBe("v3.6.0");
    expect(traefikVersionProblem({})).toBeUndefined();
  });

  it.each([["v3.7.3"], ["3.7.3"], ["v3.8"], ["v4"], [`v3.7.11@${DIGEST}`]])("accepts %s", (tag) => {
    expect(traefikVersionProblem({ image: { tag } })).toBeUndefined();
  });

  it.each([["v3.7.2"], ["v3.6.8"], ["v3.7.3-rc1"], ["3.6"], ["v2.11.48"]])("refuses %s", (tag) => {
    expect(traefikVersionProblem({ image: { tag } })).toMatch(/^the image tag selects Traefik ".*", older than v3\.7\.3: .*GHSA-gv8r-9rw9-9697.*GHSA-5r4w-85f3-pw66.*GHSA-9cr8-q42q-g8m7/);
  });

  it("leaves a tag it cannot read as a version to the chart ('latest' floats to the newest release)", () => {
    expect(traefikVersionProblem({ image: { tag: "latest" } })).toBeUndefined();
  });

  it("names versionOverride when that is what selects the release", () => {
    expect(traefikVersionProblem({ image: { digest: DIGEST }, versionOverride: "v3.6.9" })).toMatch(/^versionOverride selects Traefik "v3\.6\.9"/);
  });

  it("TraefikInstall refuses an old image tag at construction, before registering anything", async () => {
    const err = await runProgram(async () => void new TraefikInstall("edge", { values: { image: { tag: "v3.6.2" } } }), { now: new Date("2026-12-01T00:00:00Z") }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String((err as Error).message)).toMatch(/^TraefikInstall "edge": values are refused: the image tag selects Traefik "v3\.6\.2", older than v3\.7\.3/);
  });
});
