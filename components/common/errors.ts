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

/** Longest quoted value in a message; longer ones are cut (with their length), so an error stays one readable line. */
export const MAX_QUOTED_LENGTH = 80;

/** Quotes a user value for an error message, truncated to {@link MAX_QUOTED_LENGTH} characters. Never pass a secret. */
export function q(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "function" ? "a function" : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  if (text.length <= MAX_QUOTED_LENGTH) return text;
  return `${text.slice(0, MAX_QUOTED_LENGTH - 1)}…(${text.length} characters)`;
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
  /** Always `StackConfigError`. */
  override readonly name = "StackConfigError";
  constructor(
    /** The stack file, e.g. `Pulumi.dev.yaml`. */
    readonly file: string,
    /** Every problem found, one per key. */
    readonly problems: readonly ConfigProblem[],
  ) {
    super(problems.map((p) => `${file}: ${p.key}: ${p.problem}`).join("\n"));
  }
}

/**
 * A stack or project file that cannot be read or parsed: the message starts with
 * `<file>:<line>:<column>:` (or `<file>:` for file-system errors) and says what to fix.
 * YAML syntax errors, tabs used for indentation, duplicate keys and alias bombs
 * (excessive `*alias` expansion) all end here.
 */
export class StackFileError extends Error {
  /** Always `StackFileError`. */
  override readonly name = "StackFileError";
  constructor(
    /** The file, as given. */
    readonly file: string,
    /** 1-based line of the problem, when known. */
    readonly line: number | undefined,
    /** 1-based column of the problem, when known. */
    readonly column: number | undefined,
    /** What is wrong and how to fix it. */
    readonly problem: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ""}` : ""}: ${problem}`);
  }
}
