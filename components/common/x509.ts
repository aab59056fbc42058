/**
 * `@peculiar/x509`, ready to use: its dependency injection needs the `reflect-metadata`
 * polyfill loaded first, and it needs a WebCrypto implementation (Node's). Import X.509
 * helpers from here, never from `@peculiar/x509` directly.
 *
 * Why this library: a maintained, dependency-light X.509/PKCS#10 implementation in pure
 * TypeScript (PeculiarVentures, also behind pkijs/webcrypto), able to both parse and build
 * certificates — Node's own `X509Certificate` can only parse.
 */
import "reflect-metadata";
import * as crypto from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
