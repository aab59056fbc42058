/** The `CERTIFICATE` blocks of a PEM bundle, in order (anything else in the text is ignored). */
export function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
