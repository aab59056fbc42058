import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_OBJECT_NAME_LENGTH,
  certificateName,
  defaultSecretName,
  domainSlug,
  tlsSecretName,
} from "../../components/cert-manager/naming";

describe("seed 003 naming convention", () => {
  it.each([
    ["123", "blog.example.com", "cert-123-blog-example-com", "tls-123-blog-example-com"],
    ["app-7", "shop.example.co.uk", "cert-app-7-shop-example-co-uk", "tls-app-7-shop-example-co-uk"],
    ["42", "*.example.com", "cert-42-wildcard-example-com", "tls-42-wildcard-example-com"],
  ])("app %s, domain %s → %s / %s", (app, domain, cert, tls) => {
    expect(certificateName(app, domain)).toBe(cert);
    expect(tlsSecretName(app, domain)).toBe(tls);
  });

  it("replaces every dot with a dash, not only the first", () => {
    expect(domainSlug("a.b.c.example.com")).toBe("a-b-c-example-com");
  });

  it("lower-cases the domain so the same host always yields the same name", () => {
    expect(certificateName("1", "Blog.Example.COM")).toBe(certificateName("1", "blog.example.com"));
  });

  it("accepts a numeric app id", () => {
    expect(certificateName(123, "blog.example.com")).toBe("cert-123-blog-example-com");
  });

  it("pairs a cert- name with the tls- secret of the same domain by default", () => {
    expect(defaultSecretName(certificateName("123", "blog.example.com"))).toBe(tlsSecretName("123", "blog.example.com"));
  });

  it("appends -tls to a name that does not follow the cert- convention", () => {
    expect(defaultSecretName("origin")).toBe("origin-tls");
  });
});

describe("names longer than 63 characters", () => {
  const longDomain = "a-really-long-subdomain-label.another-long-label.customer-example.com";

  it("are shortened to exactly 63 characters ending in a 10-hex hash", () => {
    const name = certificateName("app-123", longDomain);
    expect(name).toHaveLength(MAX_OBJECT_NAME_LENGTH);
    expect(name).toMatch(/^cert-app-123-a-really-long-subdomain-label-an[a-z-]*-[0-9a-f]{10}$/);
  });

  it("are stable: the same input gives the same shortened name", () => {
    expect(certificateName("app-123", longDomain)).toBe(certificateName("app-123", longDomain));
  });

  it("differ for domains that differ only after the kept prefix", () => {
    const other = longDomain.replace(/\.com$/, ".org");
    expect(certificateName("app-123", other).slice(0, 52)).toBe(certificateName("app-123", longDomain).slice(0, 52));
    expect(certificateName("app-123", other)).not.toBe(certificateName("app-123", longDomain));
  });

  it("keep the same hash and middle for the cert- and tls- names of one domain", () => {
    const cert = certificateName("app-123", longDomain);
    const tls = tlsSecretName("app-123", longDomain);
    expect(tls).toBe(`tls-${cert.slice("cert-".length)}`);
    expect(defaultSecretName(cert)).toBe(tls);
  });

  it("always yield valid label values (≤ 63, RFC 1123) for any valid app id and domain", () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
    fc.assert(
      fc.property(label, fc.array(label, { minLength: 2, maxLength: 6 }), (app, labels) => {
        const domain = labels.join(".") + ".com";
        for (const n of [certificateName(app, domain), tlsSecretName(app, domain)]) {
          expect(n.length).toBeLessThanOrEqual(MAX_OBJECT_NAME_LENGTH);
          expect(n).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        }
      }),
    );
  });
});

describe("naming rejects what cannot become a Kubernetes name", () => {
  it("throws for an app id with characters outside a DNS label", () => {
    expect(() => certificateName("App_1", "blog.example.com")).toThrow(/app id "App_1"/);
  });

  it("throws for an invalid domain", () => {
    expect(() => certificateName("1", "blog..example.com")).toThrow(/domain "blog..example.com"/);
  });
});
