import { validateCustomResource } from "../support/crd";

/**
 * `validateCustomResource` drops `metadata` before validating (ObjectMeta is the API
 * server's business), but Traefik's CRDs list `metadata` as required at the top level, so
 * every Traefik object would report "must have required property 'metadata'". That one
 * message is an artefact of the helper, not of the object; everything else is kept.
 * (Reported to the lead: test/support/crd.ts should validate with `metadata: {}`.)
 */
export function crdProblems(obj: { apiVersion: string; kind: string; [k: string]: unknown }): string[] {
  return validateCustomResource(obj).filter((p) => !/ must have required property 'metadata'$/.test(p));
}
