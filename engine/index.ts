/**
 * edge-mtls offline engine: runs Pulumi programs with no CLI, no credentials and no cloud,
 * computing `tls` and `random` resources for real and standing in for cloud providers.
 * See docs/offline-engine.md.
 *
 * @packageDocumentation
 * @module edge-mtls/engine
 */
export { runProgram, runStack, PlanResult, type RunOptions, type StackRunOptions, type RecordedResource, type Op } from "./run";
export type { SimulatedProvider, CreateContext, CreateResult } from "./providers/types";
export { readStackConfig, readYamlFile, toRuntimeConfig, securePlaceholder, type StackConfig } from "./config";
export { unwrap, isSecretOutput } from "./outputs";
export { renderPlan, renderPlanMarkdown, redact, REDACTED } from "./render";
export { writePlanDirectory, planOutputProblem, PlanOutputError, PLAN_MARKER } from "./plan-dir";
