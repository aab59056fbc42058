/**
 * Construction-time errors. Every bad argument is reported before any child resource
 * exists, with a message that names the component, the instance, the argument, the bad
 * value and what would be accepted — never a provider stack trace at deploy time.
 *
 * Shape (after aws-cdk's validate-*-props and Pulumi's ResourceError):
 * `InternalCA "mesh": renewBefore (2400h) must be shorter than validity (2160h)`.
 */
export class EdgeMtlsArgumentError extends Error {
  /** Always `EdgeMtlsArgumentError`. */
  override readonly name = "EdgeMtlsArgumentError";
  constructor(
    /** Component type, e.g. `InternalCA`. */
    readonly component: string,
    /** The instance's logical name. */
    readonly instance: string,
    /** The argument path, e.g. `clients[1].identity`. */
    readonly argument: string,
    /** What is wrong and how to fix it. */
    readonly problem: string,
  ) {
    super(`${component} "${instance}": ${argument} ${problem}`);
  }
}

/** A validator bound to one component instance; collects nothing, throws on the first problem. */
export interface ArgChecker {
  /** Throws an {@link EdgeMtlsArgumentError} for `argument` with `problem`. */
  fail(argument: string, problem: string): never;
  /** Throws when `condition` is false. */
  check(condition: boolean, argument: string, problem: string): void;
}

/** Creates an {@link ArgChecker} for one component instance. */
export function argChecker(component: string, instance: string): ArgChecker {
  const fail = (argument: string, problem: string): never => {
    throw new EdgeMtlsArgumentError(component, instance, argument, problem);
  };
  return {
    fail,
    check(condition, argument, problem) {
      if (!condition) fail(argument, problem);
    },
  };
}

/** Quotes a user value for an error message. */
export function q(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** One problem in a stack's configuration file. */
export interface ConfigProblem {
  /** The namespaced key, e.g. `edge-mtls:cloudflare.zone`. */
  readonly key: string;
  /** What is wrong and what is expected. */
  readonly problem: string;
}

/**
 * Invalid stack configuration, found before any resource is created. Each problem names
 * the stack file, the key, and what is expected, one per line.
 */
export class StackConfigError extends Error {
  override readonly name = "StackConfigError";
  constructor(
    /** The stack file, e.g. `Pulumi.dev.yaml`. */
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(problems.map((p) => `${file}: ${p.key}: ${p.problem}`).join("\n"));
  }
}
