/** What a simulated provider sees when asked to create a resource. */
export interface CreateContext {
  /** The resource type token, e.g. `tls:index/privateKey:PrivateKey`. */
  readonly type: string;
  /** The resource's logical name. */
  readonly name: string;
  /** The resource's URN. */
  readonly urn: string;
  /** The engine's clock (validity periods, `readyForRenewal`). */
  readonly now: Date;
}

/** What a simulated provider returns: the resource id and its full output state. */
export interface CreateResult {
  /** The resource id, in the real provider's shape. */
  readonly id: string;
  /** Every output property, inputs included. */
  readonly outputs: Record<string, unknown>;
  /** Output property names the provider itself marks secret (beyond the SDK's additionalSecretOutputs). */
  readonly secretOutputs?: readonly string[];
}

/** A simulated provider for one package (`tls`, `random`, ...). */
export interface SimulatedProvider {
  /** Returns true when this provider handles `type`. */
  handles(type: string): boolean;
  /** Creates the resource and computes every output. */
  create(inputs: Record<string, unknown>, ctx: CreateContext): Promise<CreateResult>;
  /**
   * Output property names that only the provider knows (unknown during a preview of a create or replace).
   * Everything else echoes the inputs.
   */
  computedOutputs(type: string): readonly string[];
  /** Answers a provider function (invoke), or returns undefined when it has none by that token. */
  invoke?(token: string, args: Record<string, unknown>): Promise<Record<string, unknown>> | undefined;
  /**
   * Input property names whose change forces a replacement (the provider schema's ForceNew /
   * RequiresReplace). `"*"` means every input.
   */
  replaceOnChange(type: string): readonly string[];
  /**
   * The instance one run uses, for providers that keep per-run state (caches). The engine
   * calls it once per run; without it, the provider itself is used.
   */
  forRun?(): SimulatedProvider;
}
