/**
 * A resource monitor that stands in for the Pulumi engine and its providers. It answers
 * the same RPCs as @pulumi/pulumi's MockMonitor (runtime/mocks.js) but keeps what a plan
 * needs and the stock one drops: parentage, dependencies, secret paths, resource options
 * (protect, replacementTrigger, ignoreChanges) and a diff against a prior state.
 */
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import * as pulumi from "@pulumi/pulumi";
import { cloudProvider } from "./providers/cloud";
import { randomProvider } from "./providers/random";
import { tlsProvider } from "./providers/tls";
import type { SimulatedProvider } from "./providers/types";
import { coveredBy, decode, deepEqual, getPath, isObject, SECRET_SIG, SIG_KEY, UNKNOWN } from "./values";

/** What happens to a resource in this run, as `pulumi preview` would label it. */
export type Op = "create" | "same" | "update" | "replace" | "delete" | "read";

/** One registered resource, with everything the plan and the tests look at. */
export interface RecordedResource {
  /** Pulumi URN. */
  readonly urn: string;
  /** Resource type token, e.g. `tls:index/privateKey:PrivateKey`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** URN of the parent. */
  readonly parent?: string;
  /** True for a custom (provider) resource, false for a component. */
  readonly custom: boolean;
  /** Provider id (unset for components and, in preview, for new resources). */
  id?: string;
  /** Inputs as registered. */
  readonly inputs: Record<string, unknown>;
  /** Outputs: computed (tls, random) or echoed inputs. */
  outputs: Record<string, unknown>;
  /** Dotted paths (into inputs and outputs) that hold secrets; a path covers everything below it. */
  secretPaths: string[];
  /** Dotted paths whose value is unknown (preview only). */
  unknownPaths: string[];
  /** The `protect` resource option. */
  readonly protect: boolean;
  /** URNs this resource depends on. */
  readonly dependencies: string[];
  /** The `replacementTrigger` resource option. */
  readonly replacementTrigger?: unknown;
  /** The `ignoreChanges` resource option. */
  readonly ignoreChanges: string[];
  /** The `deleteBeforeReplace` resource option. */
  readonly deleteBeforeReplace: boolean;
  /** The `additionalSecretOutputs` resource option. */
  readonly additionalSecretOutputs: string[];
  /** What the run does with the resource, compared with `prior`. */
  op: Op;
  /** Why the op is a replace/update: the input paths that changed (or `replacementTrigger`). */
  changed: string[];
  /** True when `path` (into inputs or outputs) is a secret. */
  isSecret(path: string): boolean;
}

export interface MonitorOptions {
  readonly preview: boolean;
  readonly now: () => Date;
  readonly prior?: ReadonlyMap<string, RecordedResource>;
  readonly providers?: readonly SimulatedProvider[];
}

type Callback<T> = (err: Error | null, resp?: T) => void;


/**
 * Pulumi's error for deleting a protected resource, verbatim (pulumi/pulumi
 * pkg/resource/deploy/step.go, `deleteProtectedError`; the URN quoted for a POSIX shell).
 */
export function protectedDeleteError(urn: string): string {
  return (
    `resource ${JSON.stringify(urn)} cannot be deleted\n` +
    "because it is protected. To unprotect the resource, either remove the `protect` flag from the resource in your Pulumi " +
    "program and run `pulumi up`, or use the command:\n" +
    `\`pulumi state unprotect '${urn}'\``
  );
}

/** Pulumi's error for replacing a protected resource, verbatim (pkg/resource/deploy/step_generator.go). */
export function protectedReplaceError(urn: string): string {
  return (
    `unable to replace resource ${JSON.stringify(urn)}\n` +
    "as it is currently marked for protection. To unprotect the resource, remove the `protect` flag from the resource in your Pulumi " +
    "program and run `pulumi up`"
  );
}

/** Top-level keys whose values differ, honouring `ignoreChanges` (top-level names). */
function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>, ignore: readonly string[]): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !ignore.includes(k) && !deepEqual(a[k], b[k])).sort();
}

/** Encodes plain outputs for the wire: secrets wrapped, unknown paths as the unknown sentinel. */
function encode(value: unknown, path: string, secret: readonly string[], unknown: readonly string[]): unknown {
  if (unknown.includes(path)) return UNKNOWN;
  if (path !== "" && secret.includes(path)) return { [SIG_KEY]: SECRET_SIG, value: encode(value, path, [], unknown) };
  if (Array.isArray(value)) return value.map((v, i) => encode(v, path === "" ? String(i) : `${path}.${i}`, secret, unknown));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined && !unknown.includes(path === "" ? k : `${path}.${k}`)) continue;
      out[k] = encode(v, path === "" ? k : `${path}.${k}`, secret, unknown);
    }
    return out;
  }
  return value === undefined ? null : value;
}

export class OfflineMonitor {
  readonly resources = new Map<string, RecordedResource>();
  readonly errors: string[] = [];
  private readonly providers: readonly SimulatedProvider[];

  constructor(private readonly options: MonitorOptions) {
    this.providers = (options.providers ?? [tlsProvider, randomProvider, cloudProvider]).map((p) => p.forRun?.() ?? p);
  }

  private provider(type: string): SimulatedProvider {
    const p = this.providers.find((x) => x.handles(type));
    if (!p) throw new Error(`offline engine: no provider simulates ${type}`);
    return p;
  }

  private newUrn(parent: string, type: string, name: string): string {
    let qualified = type;
    if (parent) {
      const parentType = (parent.split("::")[2] ?? "").split("$").pop() ?? "";
      qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${[pulumi.getStack(), pulumi.getProject(), qualified, name].join("::")}`;
  }

  async registerResource(req: resproto.RegisterResourceRequest, callback: Callback<resproto.RegisterResourceResponse>): Promise<void> {
    try {
      const type = req.getType();
      const name = req.getName();
      const urn = this.newUrn(req.getParent(), type, name);
      if (this.resources.has(urn)) throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
      const raw = req.getObject()?.toJavaScript() ?? {};
      const secretPaths: string[] = [];
      const unknownPaths: string[] = [];
      const inputs = decode(raw, "", secretPaths, unknownPaths) as Record<string, unknown>;
      const triggerRaw = req.hasReplacementTrigger() ? req.getReplacementTrigger()?.toJavaScript() : undefined;
      const replacementTrigger = triggerRaw === undefined ? undefined : decode(triggerRaw, "", [], []);
      const record: RecordedResource = {
        urn,
        type,
        name,
        parent: req.getParent() || undefined,
        custom: req.getCustom(),
        inputs,
        outputs: {},
        secretPaths: [...secretPaths],
        unknownPaths: [...unknownPaths],
        protect: req.hasProtect() ? req.getProtect() === true : false,
        dependencies: req.getDependenciesList(),
        replacementTrigger,
        ignoreChanges: req.getIgnorechangesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        op: "create",
        changed: [],
        isSecret(path: string) {
          return coveredBy(path, this.secretPaths);
        },
      };
      this.resources.set(urn, record);

      if (record.custom) await this.step(record, unknownPaths);
      else this.diff(record); // components: report create/same only

      const outSecret = [...new Set([...record.secretPaths.filter((p) => getPath(record.outputs, p) !== undefined || record.unknownPaths.includes(p)), ...record.additionalSecretOutputs.filter((k) => k in record.outputs)])];
      for (const p of outSecret) if (!record.secretPaths.includes(p)) record.secretPaths.push(p);
      const response = new resproto.RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(record.id ?? (this.options.preview && record.custom ? UNKNOWN : ""));
      response.setObject(structproto.Struct.fromJavaScript(encode(record.outputs, "", outSecret, record.unknownPaths) as Record<string, structproto.JavaScriptValue>));
      callback(null, response);
    } catch (err) {
      callback(err as Error, undefined);
    }
  }

  /** Decides the op against the prior state, then computes outputs. */
  private async step(record: RecordedResource, inputUnknowns: string[]): Promise<void> {
    const provider = this.provider(record.type);
    const prior = this.diff(record);
    const computed = ["id", ...provider.computedOutputs(record.type)];
    if (record.op === "same" && prior) {
      record.id = prior.id;
      record.outputs = prior.outputs;
      record.secretPaths = [...new Set([...record.secretPaths, ...prior.secretPaths])];
      return;
    }
    if (record.op === "update" && prior) {
      record.id = prior.id;
      const fresh = this.options.preview ? { ...record.inputs } : (await provider.create(record.inputs, this.ctx(record))).outputs;
      record.outputs = { ...prior.outputs, ...fresh };
      for (const k of provider.computedOutputs(record.type)) if (prior.outputs[k] !== undefined) record.outputs[k] = prior.outputs[k];
      return;
    }
    // create or replace
    if (this.options.preview || inputUnknowns.length > 0) {
      record.outputs = { ...record.inputs };
      for (const k of computed) {
        if (k === "id") continue;
        record.unknownPaths.push(k);
        record.outputs[k] = undefined;
      }
      record.id = undefined;
      return;
    }
    const result = await provider.create(record.inputs, this.ctx(record));
    record.id = result.id;
    record.outputs = result.outputs;
    for (const s of result.secretOutputs ?? []) record.secretPaths.push(s);
  }

  private ctx(record: RecordedResource): { type: string; name: string; urn: string; now: Date } {
    return { type: record.type, name: record.name, urn: record.urn, now: this.options.now() };
  }

  /** Sets `record.op` from the prior state and returns the prior record, if any. */
  private diff(record: RecordedResource): RecordedResource | undefined {
    const prior = this.options.prior?.get(record.urn);
    if (!prior || prior.type !== record.type) {
      record.op = "create";
      return undefined;
    }
    if (!record.custom) {
      record.op = "same";
      return prior;
    }
    const changed = changedKeys(prior.inputs, record.inputs, record.ignoreChanges);
    for (const p of record.unknownPaths) {
      const top = p.split(".")[0] ?? p;
      if (!changed.includes(top) && !record.ignoreChanges.includes(top)) changed.push(top);
    }
    const triggerChanged = record.replacementTrigger !== undefined && !deepEqual(prior.replacementTrigger, record.replacementTrigger);
    const replaceOn = this.provider(record.type).replaceOnChange(record.type);
    // A nested replace path (`metadata.name`) forces a replace only when that path changed, not any sibling (`metadata.labels`).
    const forcesReplace = changed.some((k) => replaceOn.includes("*") || replaceOn.some((r) => r === k || (r.startsWith(`${k}.`) && !deepEqual(getPath(prior.inputs, r), getPath(record.inputs, r)))));
    record.changed = triggerChanged ? ["replacementTrigger", ...changed] : changed;
    if (triggerChanged || forcesReplace) {
      // Pulumi allows unprotecting and replacing in one update: only old AND new protect refuse
      // (pkg/resource/deploy/step_generator.go, `new.Protect && old.Protect`).
      if (prior.protect && record.protect) {
        this.errors.push(protectedReplaceError(record.urn));
        record.op = "same";
        return prior;
      }
      record.op = "replace";
      return prior;
    }
    record.op = changed.length ? "update" : "same";
    return prior;
  }

  registerResourceOutputs(req: resproto.RegisterResourceOutputsRequest, callback: Callback<object>): void {
    try {
      const record = this.resources.get(req.getUrn());
      if (!record) throw new Error(`unknown resource ${req.getUrn()}`);
      const secretPaths: string[] = [];
      const unknownPaths: string[] = [];
      record.outputs = decode(req.getOutputs()?.toJavaScript() ?? {}, "", secretPaths, unknownPaths) as Record<string, unknown>;
      record.secretPaths.push(...secretPaths);
      record.unknownPaths.push(...unknownPaths);
      callback(null, {});
    } catch (err) {
      callback(err as Error, undefined);
    }
  }

  async invoke(req: resproto.ResourceInvokeRequest, callback: Callback<resproto.ResourceInvokeResponse>): Promise<void> {
    try {
      const tok = req.getTok();
      const args = decode(req.getArgs()?.toJavaScript() ?? {}, "", [], []) as Record<string, unknown>;
      let result: Record<string, unknown>;
      if (tok === "pulumi:pulumi:getResource") {
        const r = this.resources.get(String(args.urn));
        if (!r) throw new Error(`unknown resource ${String(args.urn)}`);
        result = { urn: r.urn, id: r.id ?? null, state: r.outputs };
      } else {
        const provider = this.providers.find((p) => p.invoke && p.handles(tok));
        const answer = provider?.invoke?.(tok, args);
        if (!answer) throw new Error(`offline engine: no simulation for provider function ${tok}`);
        result = await answer;
      }
      const response = new resproto.ResourceInvokeResponse();
      response.setReturn(structproto.Struct.fromJavaScript(encode(result, "", [], []) as Record<string, structproto.JavaScriptValue>));
      callback(null, response);
    } catch (err) {
      callback(err as Error, undefined);
    }
  }

  async readResource(req: resproto.ReadResourceRequest, callback: Callback<resproto.ReadResourceResponse>): Promise<void> {
    try {
      const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
      const inputs = decode(req.getProperties()?.toJavaScript() ?? {}, "", [], []) as Record<string, unknown>;
      const record: RecordedResource = {
        urn, type: req.getType(), name: req.getName(), parent: req.getParent() || undefined, custom: true, id: req.getId(),
        inputs, outputs: inputs, secretPaths: [], unknownPaths: [], protect: false, dependencies: req.getDependenciesList(),
        ignoreChanges: [], deleteBeforeReplace: false, additionalSecretOutputs: req.getAdditionalsecretoutputsList(), op: "read", changed: [],
        isSecret(path: string) { return coveredBy(path, this.secretPaths); },
      };
      this.resources.set(urn, record);
      const response = new resproto.ReadResourceResponse();
      response.setUrn(urn);
      response.setProperties(structproto.Struct.fromJavaScript(encode(inputs, "", [], []) as Record<string, structproto.JavaScriptValue>));
      callback(null, response);
    } catch (err) {
      callback(err as Error, undefined);
    }
  }

  supportsFeature(req: resproto.SupportsFeatureRequest, callback: Callback<{ getHassupport(): boolean }>): void {
    const id = req.getId();
    callback(null, { getHassupport: () => id !== "outputValues" });
  }

  getDeploymentInfo(_req: unknown, callback: Callback<resproto.DeploymentInfo>): void {
    const resp = new resproto.DeploymentInfo();
    const F = resproto.ResourceMonitorFeature;
    resp.setSupportedfeaturesList([
      F.RESOURCE_MONITOR_FEATURE_SECRETS,
      F.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
      F.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
      F.RESOURCE_MONITOR_FEATURE_REPLACEMENT_TRIGGER,
      F.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
      F.RESOURCE_MONITOR_FEATURE_TRANSFORMS,
      F.RESOURCE_MONITOR_FEATURE_INVOKE_TRANSFORMS,
    ]);
    callback(null, resp);
  }

  registerPackage(_req: unknown, callback: Callback<resproto.RegisterPackageResponse>): void {
    const resp = new resproto.RegisterPackageResponse();
    resp.setRef("offline-package");
    callback(null, resp);
  }

  registerStackTransform(_req: unknown, callback: Callback<object>): void {
    callback(null, {});
  }

  registerStackInvokeTransform(_req: unknown, callback: Callback<object>): void {
    callback(null, {});
  }

  /**
   * Resources in the prior state that this run did not register: planned deletes. A protected
   * one is an error, as Pulumi's DeleteStep refuses it in a preview and an update alike.
   */
  deletes(): RecordedResource[] {
    const out: RecordedResource[] = [];
    for (const [urn, r] of this.options.prior ?? []) {
      if (this.resources.has(urn)) continue;
      if (r.protect) this.errors.push(protectedDeleteError(urn));
      out.push({ ...r, op: "delete", isSecret: (p: string) => coveredBy(p, r.secretPaths) });
    }
    return out;
  }
}
