/**
 * `npm run plan -- --stack <name> [--out <dir>] [--at <date>] [--preview] [--dir <project>] [--base <git ref>]`
 *
 * Runs the project's stack program offline (no Pulumi CLI, no credentials) and writes
 * `plan.md`, `kubernetes/*.yaml` and `cloudflare.json` to `<dir>` (default `out/<stack>/`).
 * With `--base`, also `diff.md`: what the working tree changes against that revision (diff.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { StackConfigError } from "../components/common/errors";
import { planAgainstBase, renderDiff } from "./diff";
import { PlanOutputError, planOutputProblem, writePlanDirectory } from "./plan-dir";
import { renderPlan } from "./render";
import { runStack } from "./run";

const USAGE =
  "usage: npm run plan -- --stack <name> [--out <dir>] [--at <ISO date>] [--since <ISO date>] [--preview] [--dir <project dir>] [--base <git ref>]\n" +
  "  --at     plan as if the program ran at that moment (default: now)\n" +
  "  --since  first plan the stack as deployed at that moment, then diff --at against it: shows what rotates in between\n" +
  "  --base   plan the git revision <ref> first, then the working tree against it; writes diff.md (for pull requests)";

/** Turns an error from the program into the lines a person needs: file, key, fix. */
export function describeFailure(err: unknown, stackFile: string): string[] {
  if (err instanceof StackConfigError) return err.message.split("\n");
  const msg = err instanceof Error ? err.message : String(err);
  const missing = /Missing required configuration variable '([^']+)'/.exec(msg);
  if (missing) return [`${stackFile}: ${missing[1]}: missing required key; set it with \`pulumi config set ${missing[1]} <value> -s ${path.basename(stackFile).replace(/^Pulumi\.|\.yaml$/g, "")}\``];
  const typed = /Configuration '([^']+)' value '([^']*)' is not a valid (\w+)/.exec(msg);
  if (typed) return [`${stackFile}: ${typed[1]}: value ${JSON.stringify(typed[2])} is not a valid ${typed[3]}; fix the value in the file`];
  return [msg.split("\n")[0] ?? msg];
}

export async function main(argv: string[]): Promise<number> {
  let values: { stack?: string; out?: string; at?: string; since?: string; preview?: boolean; dir?: string; base?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { stack: { type: "string", short: "s" }, out: { type: "string" }, at: { type: "string" }, since: { type: "string" }, preview: { type: "boolean" }, dir: { type: "string" }, base: { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.stack) {
    console.error(`--stack is required\n${USAGE}`);
    return 2;
  }
  const dir = path.resolve(values.dir ?? ".");
  const stackFile = path.join(dir, `Pulumi.${values.stack}.yaml`);
  if (!fs.existsSync(stackFile)) {
    console.error(`${path.relative(process.cwd(), stackFile) || stackFile}: no such stack file; create it or pick one of: ${fs.readdirSync(dir).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).join(", ")}`);
    return 2;
  }
  const parseDate = (flag: string, v: string | undefined): Date | undefined | null => {
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (!Number.isNaN(d.getTime())) return d;
    console.error(`--${flag} ${v}: not a date; write e.g. 2027-03-01 or 2027-03-01T12:00:00Z`);
    return null;
  };
  const now = parseDate("at", values.at);
  const since = parseDate("since", values.since);
  if (now === null || since === null) return 2;
  if (since && since.getTime() > (now ?? new Date()).getTime()) {
    console.error(`--since ${values.since} is after --at; give the earlier moment to --since`);
    return 2;
  }
  if (values.base !== undefined && since) {
    console.error("--base and --since both choose what to diff against; give one");
    return 2;
  }
  const out = path.resolve(values.out ?? path.join("out", values.stack));
  // Refuse an output directory the plan may not replace before running anything.
  const protectedDirs = [dir, process.cwd()];
  const outProblem = planOutputProblem(out, protectedDirs);
  if (outProblem) {
    console.error(outProblem);
    return 2;
  }
  try {
    const prior = since ? await runStack(dir, values.stack, { now: since }) : undefined;
    const compared = values.base !== undefined ? await planAgainstBase(dir, values.stack, values.base, { now: now ?? undefined, preview: values.preview ?? false }) : undefined;
    const plan = compared?.head ?? (await runStack(dir, values.stack, { preview: values.preview ?? false, now, prior }));
    const files = renderPlan(plan);
    const diff = compared ? renderDiff(compared) : undefined;
    if (diff !== undefined) files.set("diff.md", diff);
    writePlanDirectory(out, files, protectedDirs);
    const count = plan.resources.filter((r) => r.op !== "delete").length;
    if (diff !== undefined) console.log(diff.split("\n")[0]?.replace(/^# /, "") ?? "");
    if (prior) {
      const changes = plan.changes();
      console.log(`${values.stack}: since ${values.since}: ${changes.length} changes (${changes.map((r) => `${r.op} ${r.name}`).join(", ") || "none"})`);
    }
    console.log(`${values.stack}: ${count} resources planned; wrote ${files.size} files to ${path.relative(process.cwd(), out) || "."}`);
    for (const w of plan.warnings) console.log(`warning: ${w}`);
    if (plan.errors.length) {
      for (const e of plan.errors) console.error(`error: ${e}`);
      return 1;
    }
    return 0;
  } catch (err) {
    if (err instanceof PlanOutputError) {
      console.error(err.message);
      return 2;
    }
    for (const line of describeFailure(err, path.relative(process.cwd(), stackFile) || stackFile)) console.error(line);
    return 1;
  }
}

/** Runs `command` on this process's arguments and exits with its code (1, printing the message, if it throws). */
export function exitWith(command: (argv: string[]) => Promise<number>): void {
  command(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}

if (require.main === module) exitWith(main);
